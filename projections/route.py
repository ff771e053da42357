"""The rep's route (今日のルート): one row per thing a rep must act on, by due date.

Rows: the account's next visit, each open promise, each open complaint, and each handover
in progress (one row for the predecessor, one for the successor). A handover's completion
moves the account's rows to the successor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

from domain.account import Account
from projections.base import View
from projections.items import ItemRows
from projections.records import (
    account_key,
    add_days,
    event_id,
    from_json,
    iso,
    json_safe,
    local_date,
    parse_dt,
    utc_key,
)
from projections.storage import ViewCursor

PROMISE_HORIZON_DAYS = 7
VISITS_KEPT = 5
VISIT = "visit"


@dataclass
class Route:
    rep_id: str
    on: date
    visits_due: list[dict[str, Any]] = field(default_factory=list)
    promises_due: list[dict[str, Any]] = field(default_factory=list)
    complaints_open: list[dict[str, Any]] = field(default_factory=list)
    handovers: list[dict[str, Any]] = field(default_factory=list)


_Handler = Callable[["_Rows", str, Any], None]  # (rows, account id, one class's event) → None


class _Rows(ItemRows):
    """The route rows of the accounts a batch touches; each promise's row keeps who made it
    (``origin_rep_id``), so a board counts inherited promises in SQL."""

    table = "route_items"
    day_column = "due_on"
    copied: ClassVar[dict[str, str]] = {"origin_rep_id": "made_by"}

    def reassign(self, account_id: str, rep_id: str) -> None:
        """Every row of the account but its handover rows now belongs to ``rep_id``."""
        for (account, item_id), (kind, _, due_on, payload) in list(self.rows.items()):
            if account == account_id and kind != "handover":
                self.put(account, item_id, kind, rep_id, due_on, payload)

    def owner(self, account_id: str) -> tuple[str, str]:
        """(owner rep id, account name) from the account's visit row."""
        found = self.get(account_id, VISIT)
        assert found is not None, f"route row for account {account_id} missing"
        return found[1], found[3]["name"]


def _next_visit(payload: dict[str, Any]) -> str:
    if payload["visits"]:
        base = local_date(parse_dt(payload["visits"][0]["occurred_at"])).isoformat()
    else:
        base = payload["opened_on"]
    return add_days(base, payload["visit_cadence_days"])


def _put_visit(rows: _Rows, account_id: str, rep_id: str, payload: dict[str, Any]) -> None:
    payload["last_visit_at"] = payload["visits"][0]["occurred_at"] if payload["visits"] else None
    rows.put(account_id, VISIT, VISIT, rep_id, _next_visit(payload), payload)


def _remember_visit(rows: _Rows, account_id: str, visit_event_id: str, occurred_at: Any) -> None:
    found = rows.get(account_id, VISIT)
    if found is None:
        return
    _, rep_id, _, payload = found
    visits = [v for v in payload["visits"] if v["event_id"] != visit_event_id]
    visits.append({"event_id": visit_event_id, "occurred_at": iso(occurred_at),
                   "utc": utc_key(occurred_at)})
    visits.sort(key=lambda v: v["utc"], reverse=True)
    payload["visits"] = visits[:VISITS_KEPT]
    _put_visit(rows, account_id, rep_id, payload)


def _opened(rows: _Rows, account_id: str, e: Account.Opened) -> None:
    payload = {"name": e.name, "visit_cadence_days": e.visit_cadence_days,
               "opened_on": local_date(e.occurred_at).isoformat(), "visits": []}
    _put_visit(rows, account_id, e.owner_rep_id, payload)


def _cadence_agreed(rows: _Rows, account_id: str, e: Account.VisitCadenceAgreed) -> None:
    _, rep_id, _, payload = rows.get(account_id, VISIT)  # type: ignore[misc]
    payload["visit_cadence_days"] = e.visit_cadence_days
    _put_visit(rows, account_id, rep_id, payload)


def _details_changed(rows: _Rows, account_id: str, e: Account.DetailsChanged) -> None:
    """A new name on every row of the account (the other details are not on the route)."""
    if e.name is not None:
        rows.rename(account_id, e.name)


def _visit_recorded(rows: _Rows, account_id: str, e: Account.VisitRecorded) -> None:
    _remember_visit(rows, account_id, event_id(e), e.occurred_at)


def _promise_made(rows: _Rows, account_id: str, e: Account.PromiseMade) -> None:
    rep_id, name = rows.owner(account_id)
    rows.put(account_id, e.promise_id, "promise", rep_id, e.due_date.isoformat(), {
        "name": name, "promise_id": e.promise_id,
        "description": e.description, "made_to": e.made_to, "made_by": e.recorded_by,
        "event_id": event_id(e),
    })


def _promise_renegotiated(rows: _Rows, account_id: str, e: Account.PromiseRenegotiated) -> None:
    found = rows.get(account_id, e.promise_id)
    if found is not None:
        rows.put(account_id, e.promise_id, "promise", found[1], e.new_due_date.isoformat(),
                 found[3])


def _promise_closed(rows: _Rows, account_id: str, e: Account.PromiseKept | Account.PromiseBroken
                    | Account.PromiseCancelled) -> None:
    rows.delete(account_id, e.promise_id)


def _complaint_received(rows: _Rows, account_id: str, e: Account.ComplaintReceived) -> None:
    rep_id, name = rows.owner(account_id)
    rows.put(account_id, e.complaint_id, "complaint", rep_id,
             local_date(e.occurred_at).isoformat(), {
                 "name": name, "complaint_id": e.complaint_id, "subject": e.subject,
                 "severity": e.severity, "received_at": iso(e.occurred_at),
                 "status": "received", "event_id": event_id(e)})


def _complaint_step(status: str) -> _Handler:
    def step(rows: _Rows, account_id: str, e: Account.ComplaintAcknowledged
             | Account.ComplaintApologised | Account.ComplaintRemedyProposed) -> None:
        found = rows.get(account_id, e.complaint_id)
        if found is not None:
            kind, rep_id, received_on, payload = found
            payload["status"] = status
            rows.put(account_id, e.complaint_id, kind, rep_id, received_on, payload)

    return step


def _complaint_resolved(rows: _Rows, account_id: str, e: Account.ComplaintResolved) -> None:
    rows.delete(account_id, e.complaint_id)


def _handover_initiated(rows: _Rows, account_id: str, e: Account.HandoverInitiated) -> None:
    _, name = rows.owner(account_id)
    for role, rep_id in (("from", e.from_rep_id), ("to", e.to_rep_id)):
        rows.put(account_id, f"handover:{e.handover_id}:{role}", "handover", rep_id,
                 local_date(e.effective_at).isoformat(), {
                     "name": name, "handover_id": e.handover_id, "role": role,
                     "from_rep_id": e.from_rep_id, "to_rep_id": e.to_rep_id,
                     "reason": e.reason, "effective_at": iso(e.effective_at),
                     "event_id": event_id(e)})


def _handover_cancelled(rows: _Rows, account_id: str, e: Account.HandoverCancelled
                        | Account.HandoverCompleted) -> None:
    for role in ("from", "to"):
        rows.delete(account_id, f"handover:{e.handover_id}:{role}")


def _handover_completed(rows: _Rows, account_id: str, e: Account.HandoverCompleted) -> None:
    _handover_cancelled(rows, account_id, e)
    rows.reassign(account_id, e.to_rep_id)


def _correct(rows: _Rows, account_id: str, e: Account.RecordCorrected) -> None:
    target = str(e.corrected_event_id)
    fixes = json_safe(e.corrections)
    if e.corrected_kind == "VisitRecorded" and "occurred_at" in e.corrections:
        _remember_visit(rows, account_id, target, e.corrections["occurred_at"])
    elif e.corrected_kind in ("PromiseMade", "ComplaintReceived"):
        kind = "promise" if e.corrected_kind == "PromiseMade" else "complaint"
        for item_id, (_, rep_id, due_on, payload) in rows.of_kind(account_id, kind):
            if payload["event_id"] == target:
                payload.update({k: v for k, v in fixes.items()
                                if k in ("description", "made_to", "subject")})
                rows.put(account_id, item_id, kind, rep_id, fixes.get("due_date", due_on),
                         payload)


HANDLERS: dict[type[Account.Event], _Handler] = {
    Account.Opened: _opened,
    Account.DetailsChanged: _details_changed,
    Account.VisitCadenceAgreed: _cadence_agreed,
    Account.VisitRecorded: _visit_recorded,
    Account.PromiseMade: _promise_made,
    Account.PromiseRenegotiated: _promise_renegotiated,
    Account.PromiseKept: _promise_closed,
    Account.PromiseBroken: _promise_closed,
    Account.PromiseCancelled: _promise_closed,
    Account.ComplaintReceived: _complaint_received,
    Account.ComplaintAcknowledged: _complaint_step("acknowledged"),
    Account.ComplaintApologised: _complaint_step("apologised"),
    Account.ComplaintRemedyProposed: _complaint_step("remedy_proposed"),
    Account.ComplaintResolved: _complaint_resolved,
    Account.HandoverInitiated: _handover_initiated,
    Account.HandoverCompleted: _handover_completed,
    Account.HandoverCancelled: _handover_cancelled,
    Account.RecordCorrected: _correct,
}
IGNORED = frozenset({  # nothing a rep must act on by a date
    Account.CustomerRequestReceived, Account.CustomerRequestAnswered,
    Account.ProposalGiven, Account.ProposalReactionRecorded, Account.ContractRenewed,
    Account.StakeholderAdded, Account.StakeholderChanged, Account.StakeholderLeft,
    Account.NoteAdded, Account.HandoverDossierAcknowledged, Account.HandoverJointVisitMade,
    Account.HandoverCustomerInformed, Account.HandoverCheckpointScheduled,
    Account.HandoverCheckpointHeld,
})


def _apply(rows: _Rows, e: Any) -> None:
    handler = HANDLERS.get(type(e))
    if handler is not None:
        handler(rows, account_key(e), e)


def _overdue_days(on: date, due_on: str) -> int | None:
    """Days past due; None for a stored due day that is not a day (a hand-made event's)."""
    try:
        return max(0, (on - date.fromisoformat(due_on)).days)
    except (TypeError, ValueError):
        return None


class RouteView(View):
    name: str = "route"
    shape = 2  # promises keep who made them in a column (origin_rep_id)
    tables: ClassVar[dict[str, str]] = {
        "route_items": (
            "CREATE TABLE IF NOT EXISTS route_items ("
            "account_id TEXT NOT NULL, item_id TEXT NOT NULL, kind TEXT NOT NULL, "
            "rep_id TEXT NOT NULL, due_on TEXT NOT NULL, origin_rep_id TEXT NOT NULL, "
            "payload TEXT NOT NULL, PRIMARY KEY (account_id, item_id))"
        ),
    }
    indexes: ClassVar[list[str]] = [
        "CREATE INDEX IF NOT EXISTS route_items_rep ON route_items (rep_id, due_on)",
        # the team board: counts per rep and by who began each item (read from the index
        # alone), and lists the most overdue first
        "CREATE INDEX IF NOT EXISTS route_items_counted "
        "ON route_items (kind, rep_id, origin_rep_id, due_on)",
        "CREATE INDEX IF NOT EXISTS route_items_by_day "
        "ON route_items (kind, due_on, account_id, item_id)",
    ]

    def apply(self, cursor: ViewCursor, events: Sequence[Any]) -> None:
        rows = _Rows(cursor, list(dict.fromkeys(account_key(e) for e in events)))
        for event in events:
            _apply(rows, event)
        rows.save()

    def due_by(self, rep_id: str, until: date) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(account id, kind, due on, payload) of every row of the rep due by ``until``, and
        every open complaint and handover in progress, by due day."""
        with self.view.reading() as cursor:
            cursor.execute(
                "SELECT account_id, kind, due_on, payload FROM route_items "
                "WHERE rep_id = ? AND (kind IN ('complaint', 'handover') OR due_on <= ?) "
                "ORDER BY due_on, account_id, item_id",
                (rep_id, until.isoformat()),
            )
            rows = cursor.fetchall()
        return [(account_id, kind, due_on, from_json(payload))
                for account_id, kind, due_on, payload in rows]

    def route(self, rep_id: str, on: date) -> Route:
        horizon = (min(on, date.max - timedelta(days=PROMISE_HORIZON_DAYS))
                   + timedelta(days=PROMISE_HORIZON_DAYS)).isoformat()
        day = on.isoformat()
        with self.view.reading() as cursor:
            cursor.execute(
                "SELECT account_id, kind, due_on, payload FROM route_items "
                "WHERE rep_id = ? AND (kind IN ('complaint', 'handover') OR due_on <= ?) "
                "ORDER BY due_on, account_id, item_id",
                (rep_id, horizon),
            )
            rows = cursor.fetchall()
        route = Route(rep_id=rep_id, on=on)
        for account_id, kind, due_on, payload_text in rows:
            item = {"account_id": account_id, "due_on": due_on, **from_json(payload_text)}
            item["overdue_days"] = _overdue_days(on, due_on)
            if kind == VISIT and due_on <= day:
                item.pop("visits", None)
                route.visits_due.append(item)
            elif kind == "promise":
                route.promises_due.append(item)
            elif kind == "complaint":
                route.complaints_open.append(item)
            elif kind == "handover":
                route.handovers.append(item)
        return route
