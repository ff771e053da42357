"""The team board (チームボード): a 課長's view across every rep, for one day.

Counted in the database from two views' rows — the route's (visits, promises, complaints)
and the board's own (accounts, requests, handovers, checkpoints, concessions) — never by
loading account documents. Every figure a rep is judged on is split: what they inherited
(items begun before they owned the account) beside what began in their own tenure.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from api.reads.common import wait_for_views
from api.reads.people import People
from api.settings import Settings
from projections.records import from_json, parse_dt
from projections.runner import Views
from projections.team import ACCOUNT, CHECKPOINT, CONCESSION, HANDOVER, REQUEST

RENEWAL_HORIZON_DAYS = 90
CONCESSIONS_SINCE_DAYS = 90
COMPLAINT_AGES = ((7, "0-7"), (30, "8-30"))  # older: "31+"


@dataclass
class RepFigures:
    rep_id: str
    accounts: int = 0
    accounts_inherited: int = 0  # came to them by a handover
    visits_overdue: int = 0
    promises_overdue: int = 0
    promises_overdue_inherited: int = 0  # made by someone else
    complaints_open: int = 0
    complaints_open_inherited: int = 0  # received before they owned the account
    complaints_by_age: dict[str, int] = field(
        default_factory=lambda: {"0-7": 0, "8-30": 0, "31+": 0})
    requests_unanswered: int = 0
    requests_unanswered_inherited: int = 0  # received before they owned the account


@dataclass
class TeamBoard:
    date: date
    reps: list[RepFigures]
    promises_overdue: list[dict[str, Any]]
    handovers: list[dict[str, Any]]
    checkpoints: list[dict[str, Any]]
    renewals: list[dict[str, Any]]
    concessions: list[dict[str, Any]]


def _age(on: date, day: str) -> str:
    days = (on - date.fromisoformat(day)).days
    return next((label for limit, label in COMPLAINT_AGES if days <= limit), "31+")


def team_board(views: Views, settings: Settings, on: date) -> TeamBoard:
    """The board as the route and team views have it, once they have applied every
    acknowledged write."""
    wait_for_views(views, settings, "route", "team")
    day = on.isoformat()
    with views["team"].view.reading() as cursor:
        cursor.execute("SELECT account_id, rep_id, payload FROM team_items WHERE kind = ?",
                       (ACCOUNT,))
        accounts = {account_id: (rep_id, from_json(payload))
                    for account_id, rep_id, payload in cursor.fetchall()}
        cursor.execute(
            "SELECT account_id, kind, rep_id, day, payload FROM team_items "
            "WHERE kind IN (?, ?, ?) OR (kind = ? AND day >= ?) ORDER BY day, account_id",
            (REQUEST, HANDOVER, CHECKPOINT, CONCESSION,
             (on - timedelta(days=CONCESSIONS_SINCE_DAYS)).isoformat()))
        items = cursor.fetchall()
        cursor.execute(
            "SELECT account_id, kind, rep_id, due_on, payload FROM route_items "
            "WHERE (kind IN ('visit', 'promise') AND due_on < ?) OR kind = 'complaint' "
            "ORDER BY due_on, account_id, item_id", (day,))
        route_rows = cursor.fetchall()

    reps: dict[str, RepFigures] = {}

    def rep(rep_id: str) -> RepFigures:
        return reps.setdefault(rep_id, RepFigures(rep_id))

    def owner_since(account_id: str) -> str:
        return accounts[account_id][1]["owner_since"] if account_id in accounts else ""

    for rep_id, account in accounts.values():
        figures = rep(rep_id)
        figures.accounts += 1
        figures.accounts_inherited += account["owner_since"] != account["opened_at"]

    promises_overdue: list[dict[str, Any]] = []
    for account_id, kind, rep_id, due_on, payload_text in route_rows:
        figures = rep(rep_id)
        if kind == "visit":
            figures.visits_overdue += 1
            continue
        payload = from_json(payload_text)
        if kind == "promise":
            inherited = payload.get("made_by") != rep_id
            figures.promises_overdue += 1
            figures.promises_overdue_inherited += inherited
            promises_overdue.append({
                "account_id": account_id, "name": payload.get("name"),
                "promise_id": payload.get("promise_id"), "owner_rep_id": rep_id,
                "made_by": payload.get("made_by"), "description": payload.get("description"),
                "due_date": due_on, "overdue_days": (on - date.fromisoformat(due_on)).days,
                "inherited": inherited})
        else:
            figures.complaints_open += 1
            figures.complaints_open_inherited += _before(payload.get("received_at"),
                                                         owner_since(account_id))
            figures.complaints_by_age[_age(on, due_on)] += 1

    handovers, checkpoints, renewals, concessions = [], [], [], []
    for account_id, kind, rep_id, day_text, payload_text in items:
        payload = from_json(payload_text)
        if kind == REQUEST:
            figures = rep(rep_id)
            figures.requests_unanswered += 1
            figures.requests_unanswered_inherited += payload.get("received_under") != rep_id
        elif kind == HANDOVER:
            handovers.append({"account_id": account_id, **payload,
                              "acknowledged": payload.get("acknowledged_at") is not None,
                              "completed": False})
        elif kind == CHECKPOINT:
            checkpoints.append({"account_id": account_id, **payload,
                                "overdue": day_text < day})
        elif kind == CONCESSION:
            concessions.append({"account_id": account_id, "owner_rep_id": rep_id, **payload})
    horizon = (on + timedelta(days=RENEWAL_HORIZON_DAYS)).isoformat()
    for account_id, (rep_id, account) in accounts.items():
        end = account.get("contract_end")
        if end and day <= end <= horizon:
            renewals.append({"account_id": account_id, "name": account["name"],
                             "owner_rep_id": rep_id, "contract_end": end,
                             "days_left": (date.fromisoformat(end) - on).days,
                             "annual_value_jpy": account.get("annual_value_jpy")})
    renewals.sort(key=lambda r: (r["contract_end"], r["account_id"]))
    return TeamBoard(date=on, reps=sorted(reps.values(), key=lambda r: r.rep_id),
                     promises_overdue=promises_overdue, handovers=handovers,
                     checkpoints=checkpoints, renewals=renewals, concessions=concessions)


def _before(received_at: str | None, since: str) -> bool:
    """Received before the owner's tenure began (both instants as the views store them)."""
    return bool(received_at and since) and parse_dt(str(received_at)) < parse_dt(since)


def team_json(board: TeamBoard, people: People) -> dict[str, Any]:
    """The board as /v1/team answers it: ids, with each rep's registered name beside."""
    return {
        "date": board.date.isoformat(),
        "reps": [{"rep_id": figures.rep_id, "name": people.name(figures.rep_id),
                  **{k: v for k, v in asdict(figures).items() if k != "rep_id"}}
                 for figures in board.reps],
        "promises_overdue": board.promises_overdue,
        "handovers": board.handovers,
        "checkpoints": board.checkpoints,
        "renewals": board.renewals,
        "concessions": board.concessions,
    }
