"""The team board (チームボード): a 課長's view across every rep, for one day.

Counted in the database from two views' rows — the route's (visits, promises, complaints)
and the board's own (accounts, requests, handovers, checkpoints, concessions) — never by
loading account documents. Every figure a rep is judged on is split: what they inherited
(items begun before they owned the account) beside what began in their own tenure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from api.reads.common import wait_for_views
from api.reads.people import People, UserDirectory
from api.reads.warnings import named_warnings
from api.settings import Settings
from projections.account_list import AccountListView
from projections.people import PeopleView
from projections.records import BUSINESS_TZ, from_json
from projections.runner import Views
from projections.team import CHECKPOINT, HANDOVER

RENEWAL_HORIZON_DAYS = 90
CONCESSIONS_SINCE_DAYS = 90
COMPLAINT_AGES = ((7, "0-7"), (30, "8-30"))  # older: "31+"
LISTED_AT_MOST = 100  # of each long list on the board: the most urgent; the CSV has them all


@dataclass
class RepFigures:
    rep_id: str
    name: str | None = None  # as registered; None for an owner id that names nobody
    active: bool = False  # a registered rep who has not left: may be given accounts
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
    cooling: int = 0  # accounts showing a sign the customer is cooling


@dataclass
class TeamBoard:
    date: date
    reps: list[RepFigures]
    needing_handover: list[dict[str, Any]]  # owned by someone who left, or who is no rep
    cooling: list[dict[str, Any]]
    promises_overdue: list[dict[str, Any]]
    handovers: list[dict[str, Any]]
    checkpoints: list[dict[str, Any]]
    renewals: list[dict[str, Any]]
    concessions: list[dict[str, Any]]
    totals: dict[str, int]  # how many of each capped list there are: promises_overdue,
    # cooling, renewals, concessions (the lists hold the most urgent, at most LISTED_AT_MOST)


def _age(on: date, day: str) -> str:
    days = (on - date.fromisoformat(day)).days
    return next((label for limit, label in COMPLAINT_AGES if days <= limit), "31+")


# Per rep and kind, counted by the database in one pass over each view's rows: (rep, kind,
# how many, how many inherited — begun under someone else).
INHERITED = "SUM(CASE WHEN origin_rep_id <> rep_id THEN 1 ELSE 0 END)"
ON_THE_BOARD = (f"SELECT rep_id, kind, COUNT(*), {INHERITED} FROM team_items "
                "WHERE kind IN ('account', 'request') GROUP BY kind, rep_id")
ON_THE_ROUTE = (f"SELECT rep_id, kind, COUNT(*), {INHERITED} FROM route_items "
                "WHERE kind IN ('visit', 'promise') AND due_on < ? GROUP BY kind, rep_id")
COUNTED = {"account": ("accounts", "accounts_inherited"),  # kind → (figure, inherited figure)
           "request": ("requests_unanswered", "requests_unanswered_inherited"),
           "visit": ("visits_overdue", None),
           "promise": ("promises_overdue", "promises_overdue_inherited")}
# Each open complaint's day received, and whether before its owner took the account over.
COMPLAINTS = ("SELECT r.rep_id, r.due_on, CASE WHEN r.due_on < t.since THEN 1 ELSE 0 END "
              "FROM route_items r JOIN team_items t "
              "ON t.account_id = r.account_id AND t.item_id = 'account' "
              "WHERE r.kind = 'complaint'")
# The lists, the most urgent first (each in its index's order): at most so many are read
# (a CSV asks for all), and a full list is counted.
PROMISES_OVERDUE = ("SELECT account_id, rep_id, due_on, origin_rep_id, payload FROM route_items "
                    "WHERE kind = 'promise' AND due_on < ? ORDER BY due_on, account_id, item_id")
RENEWALS = ("SELECT account_id, rep_id, day, payload FROM team_items "
            "WHERE kind = 'account' AND day >= ? AND day <= ? ORDER BY day, account_id, item_id")
CONCESSIONS = ("SELECT account_id, rep_id, day, payload FROM team_items WHERE kind = 'concession' "
               "AND day >= ? ORDER BY day DESC, account_id DESC, item_id DESC")
IN_FLIGHT = ("SELECT account_id, kind, day, payload FROM team_items "
             "WHERE kind IN ('handover', 'checkpoint') ORDER BY day, account_id, item_id")


def _at_most(select: str, at_most: int | None) -> str:
    return select if at_most is None else f"{select} LIMIT {int(at_most)}"


def team_board(views: Views, settings: Settings, on: date,
               at_most: int | None = LISTED_AT_MOST) -> TeamBoard:
    """The board as the route and team views have it, once they have applied every
    acknowledged write: counted by the database; only the listed rows' documents are read,
    at most ``at_most`` of each long list (None: all), with how many there are in ``totals``."""
    wait_for_views(views, settings, "route", "team", "people", "account_list")
    with views["team"].view.reading():  # one transaction for every view read below
        return _board(views, on, at_most)


def _board(views: Views, on: date, at_most: int | None) -> TeamBoard:
    day = on.isoformat()
    people: PeopleView = views["people"]  # type: ignore[assignment]
    reps: dict[str, RepFigures] = {
        person.user_id: RepFigures(person.user_id, person.name, person.active)
        for person in people.people(role="rep") if person.active}

    def rep(rep_id: str) -> RepFigures:
        if rep_id not in reps:
            reps[rep_id] = RepFigures(rep_id, people.name_of(rep_id))
        return reps[rep_id]

    totals: dict[str, int] = {}
    horizon = (on + timedelta(days=RENEWAL_HORIZON_DAYS)).isoformat()
    concessions_since = (on - timedelta(days=CONCESSIONS_SINCE_DAYS)).isoformat()
    with views["team"].view.reading() as cursor:
        for query, params in ((ON_THE_BOARD, ()), (ON_THE_ROUTE, (day,))):
            cursor.execute(query, params)
            for rep_id, kind, how_many, of_which in cursor.fetchall():
                figures = rep(rep_id)
                count, inherited = COUNTED[kind]
                setattr(figures, count, int(how_many))
                if inherited:
                    setattr(figures, inherited, int(of_which or 0))
        cursor.execute(COMPLAINTS)
        for rep_id, received_on, before in cursor.fetchall():
            figures = rep(rep_id)
            figures.complaints_open += 1
            figures.complaints_open_inherited += int(before)
            figures.complaints_by_age[_age(on, received_on)] += 1
        listed: dict[str, list[tuple[Any, ...]]] = {}
        lists: tuple[tuple[str, str, tuple[str, ...]], ...] = (
            ("promises_overdue", PROMISES_OVERDUE, (day,)),
            ("renewals", RENEWALS, (day, horizon)),
            ("concessions", CONCESSIONS, (concessions_since,)))
        for name, select, values in lists:
            cursor.execute(_at_most(select, at_most), values)
            listed[name] = cursor.fetchall()
            if name == "promises_overdue":
                totals[name] = sum(figures.promises_overdue for figures in reps.values())
            elif at_most is not None and len(listed[name]) == at_most:
                cursor.execute(f"SELECT COUNT(*) FROM ({select}) AS listed", values)
                counted = cursor.fetchone()
                totals[name] = int(counted[0]) if counted else 0
            else:
                totals[name] = len(listed[name])
        cursor.execute(IN_FLIGHT)
        in_flight_rows = cursor.fetchall()
        gone = sorted(rep_id for rep_id, figures in reps.items()
                      if not figures.active and figures.accounts)
        orphans = []
        if gone:
            cursor.execute(
                "SELECT account_id, rep_id, payload FROM team_items WHERE kind = 'account' "
                f"AND rep_id IN ({', '.join('?' for _ in gone)}) ORDER BY rep_id, account_id",
                gone)
            orphans = cursor.fetchall()

    promises_overdue = []
    for account_id, rep_id, due_on, made_by, payload_text in listed["promises_overdue"]:
        payload = from_json(payload_text)
        promises_overdue.append({
            "account_id": account_id, "name": payload.get("name"),
            "promise_id": payload.get("promise_id"), "owner_rep_id": rep_id,
            "made_by": payload.get("made_by"), "description": payload.get("description"),
            "due_date": due_on, "overdue_days": (on - date.fromisoformat(due_on)).days,
            "inherited": made_by != rep_id})
    renewals = []
    for account_id, rep_id, day_text, payload_text in listed["renewals"]:
        payload = from_json(payload_text)
        renewals.append({"account_id": account_id, "name": payload["name"],
                         "owner_rep_id": rep_id, "contract_end": day_text,
                         "days_left": (date.fromisoformat(day_text) - on).days,
                         "annual_value_jpy": payload.get("annual_value_jpy")})
    concessions = [{"account_id": account_id, "owner_rep_id": rep_id, **from_json(payload)}
                   for account_id, rep_id, _, payload in listed["concessions"]]
    handovers, checkpoints = [], []
    for account_id, kind, day_text, payload_text in in_flight_rows:
        payload = from_json(payload_text)
        if kind == HANDOVER:
            handovers.append({"account_id": account_id, **payload,
                              "acknowledged": payload.get("acknowledged_at") is not None,
                              "completed": False})
        elif kind == CHECKPOINT:
            checkpoints.append({"account_id": account_id, **payload,
                                "overdue": day_text < day})

    accounts: AccountListView = views["account_list"]  # type: ignore[assignment]
    for owner_rep_id, how_many in accounts.cooling_by_owner().items():
        rep(owner_rep_id).cooling = how_many
    totals["cooling"] = sum(figures.cooling for figures in reps.values())
    noon = datetime.combine(on, time(12), BUSINESS_TZ)
    cooling = [{"account_id": found.account_id, "name": found.name,
                "owner_rep_id": found.owner_rep_id, "health_score": found.health_score,
                "comparison": found.summary.get("comparison"),
                "warnings": found.warnings(noon)}
               for found in accounts.cooling(at_most)]
    in_flight = {h["account_id"] for h in handovers}
    needing_handover = [
        {"account_id": account_id, "name": from_json(payload)["name"], "owner_rep_id": rep_id,
         "owner_name": reps[rep_id].name, "handover_in_flight": account_id in in_flight}
        for account_id, rep_id, payload in orphans]
    return TeamBoard(date=on, reps=sorted(reps.values(), key=lambda r: r.rep_id),
                     needing_handover=needing_handover, cooling=cooling,
                     promises_overdue=promises_overdue, handovers=handovers,
                     checkpoints=checkpoints, renewals=renewals, concessions=concessions,
                     totals=totals)


def board_people(app: UserDirectory, board: TeamBoard) -> People:
    """Names for the board: the team's from the people view, anyone else looked up once."""
    return People(app).knowing({figures.rep_id: figures.name for figures in board.reps})


def team_json(board: TeamBoard, people: People) -> dict[str, Any]:
    """The board as /v1/team answers it: ids, with each rep's registered name beside, and
    the warnings in words."""
    return {
        "date": board.date.isoformat(),
        "reps": [dict(vars(figures)) for figures in board.reps],
        "needing_handover": board.needing_handover,
        "cooling": [{**found, "warnings": named_warnings(found["warnings"], people)}
                    for found in board.cooling],
        "promises_overdue": board.promises_overdue,
        "handovers": board.handovers,
        "checkpoints": board.checkpoints,
        "renewals": board.renewals,
        "concessions": board.concessions,
        "totals": board.totals,
    }
