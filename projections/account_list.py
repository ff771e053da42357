"""The accounts list (取引先一覧): one row per account, to search, filter, sort and page.

Each row holds what the list shows and what it is queried by — the name and the name
folded for search (NFKC and casefold: ﾔﾏﾀﾞ finds ヤマダ商事), the owner and the successor of
a handover in progress, the next visit due, the contract's end, the current owner's
health with its status, the warnings and whether the account is cooling — so a page is
one indexed query and never loads a document.

The row is computed from two folds kept beside it in ``account_list_documents``: the
relationship fold (projections.relationship) and the health evidence fold
(projections.health), whose public ``health_report`` gives the score, the status and the
warnings. Nothing here reads the evidence itself.

What depends on today is stored so that a read compares it with today:

- dates: ``next_visit_due``, ``contract_end``, the earliest open promise's due day;
- the warnings that begin on a date (a visit, a promise or a complaint overdue, the
  contract ending or ended) as ``dated_warnings``, each with the instant it begins
  (``from``) and, for the renewal, ends (``until``), so the read lists those begun;
- the tenure's start, so the read says 立ち上がり期間 (ramp-up) while it lasts.

What the health report reads from the pattern of events — the score and the warnings on
how the relationship is kept (small talk falling or low, lateness, promises broken, the
decision-maker absent, a supporter gone, concessions repeated, a request or a review
day) — is taken as of the account's latest recorded event (``health_as_of``): a rebuilt
row equals a live one, and the row changes when the account does. ``cooling`` is set
when such a warning is a cooling sign (DOMAIN: 取引先に嫌われたサイン).

A team board can aggregate per rep from this table alone: ``GROUP BY owner_rep_id`` over
the ``account_list_owner`` index, counting ``next_visit_due < today``,
``first_promise_due < today``, ``open_complaints`` and ``cooling``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, ClassVar

from domain.account import Account
from projections import health, relationship
from projections.base import AccountDocumentView, Document, Handlers, dispatch
from projections.health_score import RAMP_UP_DAYS
from projections.records import (
    BUSINESS_TZ,
    from_json,
    iso,
    local_date,
    parse_date,
    parse_dt,
    to_json,
    utc_key,
)
from projections.storage import ViewCursor

NO_CONTRACT = "9999-12-31"  # sorts an account without a contract after every contract
NO_SCORE = 1000  # sorts an account without a score to show after every score (0–100)
RENEWAL_DUE_DAYS = 90  # as projections.health_warnings: a contract ending within 90 days
COMPLAINT_UNANSWERED = timedelta(hours=24)
COMPLAINT_OPEN_LONG = timedelta(days=7)
DATED = frozenset({"visit_overdue", "promise_overdue", "complaint_unanswered",
                   "complaint_open_long", "contract_expired", "renewal_due"})
COOLING_SIGNS = frozenset({"small_talk_declining", "small_talk_low", "decision_maker_absent",
                           "supporter_left", "concessions_repeated", "request_unanswered"})
SCORED_STATUSES = frozenset({"active", "thin_records"})
SORT_KEYS = {"name": "name_folded", "next_visit_due": "next_visit_due",
             "contract_end": "contract_end_key", "health": "health_key"}


def folded(text: str) -> str:
    """The form names are searched in: NFKC (half-width kana, full-width letters and digits
    alike) and casefold."""
    return unicodedata.normalize("NFKC", text).casefold()


# ---------------------------------------------------------------------- the fold


def _opened(e: Account.Opened) -> Document:
    return {"relationship": relationship.evolve(None, e), "health": health.evolve(None, e)}


def _both(doc: Document, e: Any) -> None:
    doc["relationship"] = relationship.evolve(doc["relationship"], e)
    doc["health"] = health.evolve(doc["health"], e)


HANDLERS: Handlers = {cls: _both for cls in {*relationship.HANDLERS, *health.HANDLERS}}
IGNORED = relationship.IGNORED & health.IGNORED  # nothing the list shows


def evolve(doc: Document | None, event: Any) -> Document | None:
    doc = dispatch(doc, event, _opened, HANDLERS)
    if doc is None:
        return None
    doc["version"] = event.originator_version
    doc["recorded_at"] = iso(event.timestamp)
    return doc


# ---------------------------------------------------------------------- the row


def _day_starts(day: str) -> str:
    """The instant a JST day begins, as stored instants are compared."""
    return utc_key(datetime.combine(parse_date(day), time(), BUSINESS_TZ))


def _next_day(day: str) -> str:
    return (parse_date(day) + timedelta(days=1)).isoformat()


def _dated(code: str, severity: str, facts: dict[str, Any], event_ids: list[str],
           begins: str, ends: str | None = None, user_id: str | None = None,
           counts_from: str | None = None) -> dict[str, Any]:
    """A warning that begins on a date, as projections.health_warnings flags it (``code``,
    ``facts``, ``user_id``), with when it begins and ends; ``counts_from`` is the instant its
    days or hours are counted from when read (``facts_now``)."""
    warning: dict[str, Any] = {"code": code, "severity": severity, "facts": facts,
                               "event_ids": event_ids, "from": begins, "until": ends,
                               "counts_from": counts_from}
    if user_id is not None:
        warning["user_id"] = user_id
    return warning


def dated_warnings(rel: Document) -> list[dict[str, Any]]:
    """The warnings that begin on a date, each with the instant it begins: the read lists
    those begun by then (the thresholds are projections.health_warnings')."""
    found = []
    if rel.get("next_visit_due"):
        last_visit_on = (local_date(parse_dt(rel["last_visit_at"])).isoformat()
                         if rel.get("last_visit_at") else "なし")  # never visited yet
        found.append(_dated("visit_overdue", "medium", {"last_visit_on": last_visit_on},
                            [rel["last_visit_event_id"]] if rel.get("last_visit_event_id")
                            else [], _day_starts(_next_day(rel["next_visit_due"])),
                            counts_from=_day_starts(rel["next_visit_due"])))
    for promise in rel["open_promises"]:
        found.append(_dated("promise_overdue", "high", {"due_date": promise["due_date"]},
                            promise["event_ids"], _day_starts(_next_day(promise["due_date"])),
                            user_id=promise["made_by"]))
    for complaint in rel["open_complaints"]:
        received = parse_dt(complaint["received_at"])
        if complaint["status"] == "received":
            found.append(_dated("complaint_unanswered", "high", {}, complaint["event_ids"],
                                utc_key(received + COMPLAINT_UNANSWERED),
                                counts_from=utc_key(received)))
        else:
            found.append(_dated("complaint_open_long", "medium", {}, complaint["event_ids"],
                                utc_key(received + COMPLAINT_OPEN_LONG),
                                counts_from=utc_key(received)))
    contract = rel["contract"]
    if contract:
        end = contract["contract_end"]
        due = (parse_date(end) - timedelta(days=RENEWAL_DUE_DAYS)).isoformat()
        expired = _day_starts(_next_day(end))
        found.append(_dated("renewal_due", "medium", {"contract_end": end},
                            [contract["event_id"]], _day_starts(due), expired,
                            counts_from=_day_starts(end)))
        found.append(_dated("contract_expired", "high", {"contract_end": end},
                            [contract["event_id"]], expired, counts_from=_day_starts(end)))
    return found


def facts_now(warning: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A dated warning's facts as of ``now``: the days or hours counted as
    projections.health_warnings counts them."""
    facts = dict(warning["facts"])
    since = warning.get("counts_from")
    if since is None:
        return facts
    start = datetime.fromisoformat(since.removesuffix("Z")).replace(tzinfo=UTC)
    days = (local_date(now) - local_date(start)).days
    hours = (now - start).total_seconds() / 3600
    if warning["code"] == "visit_overdue":
        facts["days"] = days
    elif warning["code"] == "complaint_unanswered":
        facts["hours"] = round(hours)
    elif warning["code"] == "complaint_open_long":
        facts["days"] = round(hours / 24)
    elif warning["code"] == "renewal_due":
        facts["days"] = -days
    elif warning["code"] == "contract_expired":
        facts["days"] = days
    return facts


@dataclass(frozen=True)
class Health:
    score: int | None
    status: str
    standing: list[dict[str, Any]]  # the warnings not bound to a date, as of the report
    comparison: dict[str, Any] | None = None  # a successor's like-for-like, as of the report


def current_health(evidence: Document, at: datetime) -> Health:
    """The current owner's health and standing warnings from ``health_report``; a report
    that cannot be computed from what is stored is said unknown, never guessed."""
    try:
        report = health.health_report(evidence, at, RAMP_UP_DAYS)
    except Exception:
        return Health(None, "unknown", [])
    current = report["current"]
    standing = [w for w in report["warnings"] if w["code"] not in DATED]
    return Health(current["score"], current["status"], standing, current.get("comparison"))


def row(account_id: str, doc: Document) -> tuple[Any, ...]:
    rel = doc["relationship"]
    at = parse_dt(doc["recorded_at"])
    found = current_health(doc["health"], at)
    tenures = doc["health"]["tenures"]
    contract_end = (rel["contract"] or {}).get("contract_end")
    promise_dues = [p["due_date"] for p in rel["open_promises"]]
    scored = found.status in SCORED_STATUSES and found.score is not None
    summary = {name: rel.get(name) for name in (
        "successor_rep_id", "visit_cadence_days", "last_visit_at", "open_promises",
        "open_complaints", "contract", "handover")}
    summary["comparison"] = found.comparison
    return (
        account_id, rel["name"], folded(rel["name"]), rel["owner_rep_id"],
        rel.get("successor_rep_id"), rel["next_visit_due"], contract_end,
        contract_end or NO_CONTRACT, found.score, found.status,
        found.score if scored else NO_SCORE, doc["recorded_at"],
        tenures[-1]["from"], len(tenures) > 1,
        min(promise_dues) if promise_dues else None, len(rel["open_promises"]),
        len(rel["open_complaints"]),
        any(w["code"] in COOLING_SIGNS for w in found.standing),
        to_json(found.standing), to_json(dated_warnings(rel)), doc["version"], to_json(summary),
    )


ROW_COLUMNS = (
    "account_id", "name", "name_folded", "owner_rep_id", "successor_rep_id",
    "next_visit_due", "contract_end", "contract_end_key", "health_score", "health_status",
    "health_key", "health_as_of", "tenure_from", "successor_tenure", "first_promise_due",
    "open_promises", "open_complaints", "cooling", "standing_warnings", "dated_warnings",
    "version", "summary",
)


# ---------------------------------------------------------------------- a page


@dataclass(frozen=True)
class ListQuery:
    """What a page of the list asks: filters, order, and where the previous page ended."""

    reader: str | None = None  # a rep: only the accounts they own or are being handed
    q: str = ""
    owner_rep_id: str | None = None
    cooling: bool | None = None
    contract_ends_before: str | None = None  # a day, YYYY-MM-DD
    sort: str = "name"
    after: tuple[Any, str] | None = None  # (sort key, account_id) of the previous page's last
    limit: int = 50


@dataclass(frozen=True)
class ListRow:
    account_id: str
    name: str
    owner_rep_id: str
    successor_rep_id: str | None
    next_visit_due: str | None
    contract_end: str | None
    health_score: int | None
    health_status: str
    health_as_of: str
    tenure_from: str
    successor_tenure: bool
    cooling: bool
    standing_warnings: list[dict[str, Any]]
    dated_warnings: list[dict[str, Any]]
    version: int
    summary: dict[str, Any]
    sort_key: Any

    def status(self, now: datetime, ramp_up_days: int) -> str:
        """The health status now: a successor's tenure is 立ち上がり期間 while it lasts."""
        if self.health_status not in ("ramp_up", "active") or not self.successor_tenure:
            return self.health_status
        ramping = now - parse_dt(self.tenure_from) < timedelta(days=ramp_up_days)
        return "ramp_up" if ramping else "active"

    def warnings(self, now: datetime) -> list[dict[str, Any]]:
        """The standing warnings and the dated ones begun by ``now`` (and not ended)."""
        moment = utc_key(now)
        begun = [{**{k: v for k, v in w.items() if k not in ("from", "until", "counts_from")},
                  "facts": facts_now(w, now)}
                 for w in self.dated_warnings
                 if w["from"] <= moment and (w["until"] is None or moment < w["until"])]
        return [*begun, *self.standing_warnings]


SELECTED = ("account_id", "name", "owner_rep_id", "successor_rep_id", "next_visit_due",
            "contract_end", "health_score", "health_status", "health_as_of", "tenure_from",
            "successor_tenure", "cooling", "standing_warnings", "dated_warnings", "version",
            "summary")


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class AccountListView(AccountDocumentView):
    name: str = "account_list"
    table = "account_list_documents"
    shape = 2  # 2: health evidence of shape 7 (requests answered), a successor's like-for-like
    # comparison in the summary
    tables: ClassVar[dict[str, str]] = {
        "account_list": (
            "CREATE TABLE IF NOT EXISTS account_list ("
            "account_id TEXT PRIMARY KEY, name TEXT NOT NULL, name_folded TEXT NOT NULL, "
            "owner_rep_id TEXT NOT NULL, successor_rep_id TEXT, next_visit_due TEXT NOT NULL, "
            "contract_end TEXT, contract_end_key TEXT NOT NULL, health_score INTEGER, "
            "health_status TEXT NOT NULL, health_key INTEGER NOT NULL, "
            "health_as_of TEXT NOT NULL, tenure_from TEXT NOT NULL, "
            "successor_tenure BOOLEAN NOT NULL, first_promise_due TEXT, "
            "open_promises INTEGER NOT NULL, open_complaints INTEGER NOT NULL, "
            "cooling BOOLEAN NOT NULL, standing_warnings TEXT NOT NULL, "
            "dated_warnings TEXT NOT NULL, version INTEGER NOT NULL, summary TEXT NOT NULL)"
        ),
    }
    indexes: ClassVar[list[str]] = [
        "CREATE INDEX IF NOT EXISTS account_list_name ON account_list (name_folded, account_id)",
        "CREATE INDEX IF NOT EXISTS account_list_next_visit "
        "ON account_list (next_visit_due, account_id)",
        "CREATE INDEX IF NOT EXISTS account_list_contract "
        "ON account_list (contract_end_key, account_id)",
        "CREATE INDEX IF NOT EXISTS account_list_health ON account_list (health_key, account_id)",
        "CREATE INDEX IF NOT EXISTS account_list_owner "
        "ON account_list (owner_rep_id, name_folded, account_id)",
        "CREATE INDEX IF NOT EXISTS account_list_successor ON account_list (successor_rep_id)",
        "CREATE INDEX IF NOT EXISTS account_list_cooling "
        "ON account_list (cooling, health_key, account_id)",
        "CREATE INDEX IF NOT EXISTS account_list_cooling_owner "
        "ON account_list (cooling, owner_rep_id)",
    ]
    evolve = staticmethod(evolve)

    def store_many(self, cursor: ViewCursor, documents: dict[str, Document]) -> None:
        super().store_many(cursor, documents)
        updates = ", ".join(f"{n} = excluded.{n}" for n in ROW_COLUMNS[1:])
        cursor.executemany(
            f"INSERT INTO account_list ({', '.join(ROW_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(ROW_COLUMNS))}) "
            f"ON CONFLICT (account_id) DO UPDATE SET {updates}",
            [row(key, doc) for key, doc in documents.items()])

    def page(self, query: ListQuery) -> list[ListRow]:
        """One page, in (sort key, account_id) order after ``query.after``: keyset paging,
        so following pages to the end lists every account once even while others are
        opened."""
        key = SORT_KEYS[query.sort]
        where: list[str] = []
        params: list[Any] = []
        if query.reader is not None:
            where.append("(owner_rep_id = ? OR successor_rep_id = ?)")
            params += [query.reader, query.reader]
        if query.q:
            where.append("name_folded LIKE ? ESCAPE '\\'")
            params.append(f"%{_escaped(folded(query.q))}%")
        if query.owner_rep_id is not None:
            where.append("owner_rep_id = ?")
            params.append(query.owner_rep_id)
        if query.cooling is not None:
            where.append("cooling = ?")
            params.append(query.cooling)
        if query.contract_ends_before is not None:
            where.append("contract_end < ?")
            params.append(query.contract_ends_before)
        if query.after is not None:
            where.append(f"({key}, account_id) > (?, ?)")
            params += list(query.after)
        condition = f"WHERE {' AND '.join(where)} " if where else ""
        with self.view.reading() as cursor:
            cursor.execute(
                f"SELECT {', '.join(SELECTED)}, {key} AS sort_key FROM account_list {condition}"
                f"ORDER BY {key}, account_id LIMIT ?", [*params, query.limit])
            rows = cursor.fetchall()
        return [_list_row(found) for found in rows]


    def cooling(self, at_most: int | None = None) -> list[ListRow]:
        """The accounts cooling, least healthy first: all, or the first ``at_most``."""
        found: list[ListRow] = []
        while at_most is None or len(found) < at_most:
            limit = 500 if at_most is None else min(500, at_most - len(found))
            page = self.page(ListQuery(cooling=True, sort="health", limit=limit, after=(
                (found[-1].sort_key, found[-1].account_id) if found else None)))
            if not page:
                break
            found += page
        return found

    def cooling_by_owner(self) -> dict[str, int]:
        """How many accounts each owner has cooling (owners with none are not named)."""
        with self.view.reading() as cursor:
            cursor.execute("SELECT owner_rep_id, COUNT(*) FROM account_list WHERE cooling = ? "
                           "GROUP BY owner_rep_id", (True,))
            return {owner: int(how_many) for owner, how_many in cursor.fetchall()}


def _list_row(found: Sequence[Any]) -> ListRow:
    values = dict(zip(SELECTED, found, strict=False))
    for name in ("standing_warnings", "dated_warnings", "summary"):
        values[name] = from_json(values[name])
    for name in ("successor_tenure", "cooling"):
        values[name] = bool(values[name])
    return ListRow(**values, sort_key=found[-1])
