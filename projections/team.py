"""What a 課長 watches across the team (チームボード), beside what each rep's route holds.

One row per thing: each account (its owner, since when, contract end and annual value),
each request not yet answered, each handover in flight with the state of its steps, each
handover checkpoint not yet held, and each concession granted (値引き・特別対応, kept as
precedents). Visits, promises and complaints are the route view's rows (``route_items``);
the board reads both, so nothing is folded twice.

A handover's completion moves the account's rows (the account, its open requests) to the
successor; what the successor inherited stays countable in SQL: each row keeps in
``origin_rep_id`` the rep under whom it began (for the account itself: the predecessor it
came from, or its first owner), and the account's row keeps in ``since`` the day its owner
took it over.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from domain.account import Account
from projections.base import View
from projections.items import ItemRows
from projections.records import (
    account_key,
    event_id,
    iso,
    json_safe,
    local_date,
)
from projections.storage import ViewCursor

ACCOUNT = "account"
REQUEST = "request"
HANDOVER = "handover"
CHECKPOINT = "checkpoint"
CONCESSION = "concession"

_Handler = Callable[["_Rows", str, Any], None]


class _Rows(ItemRows):
    """The board rows of the accounts a batch touches; each keeps the rep under whom it
    began (``origin_rep_id``) and the account's row the day its owner took it (``since``)."""

    table = "team_items"
    day_column = "day"
    copied: ClassVar[dict[str, str]] = {"origin_rep_id": "origin_rep_id", "since": "since"}

    def account(self, account_id: str) -> tuple[str, dict[str, Any]]:
        """(owner rep id, the account row's payload)."""
        found = self.get(account_id, ACCOUNT)
        assert found is not None, f"board row for account {account_id} missing"
        return found[1], found[3]


def _day(value: Any) -> str:
    return local_date(value).isoformat()


def _opened(rows: _Rows, account_id: str, e: Account.Opened) -> None:
    rows.put(account_id, ACCOUNT, ACCOUNT, e.owner_rep_id, "", {
        "name": e.name, "origin_rep_id": e.owner_rep_id, "since": _day(e.occurred_at),
        "contract_end": None,
        "annual_value_jpy": None, "renewal_event_id": None, "parties": {}})


def _details_changed(rows: _Rows, account_id: str, e: Account.DetailsChanged) -> None:
    """A new name on every row of the account, precedents granted under the old one too
    (the board names the customer as it is now)."""
    if e.name is not None:
        rows.rename(account_id, e.name)


def _contract_renewed(rows: _Rows, account_id: str, e: Account.ContractRenewed) -> None:
    rep_id, payload = rows.account(account_id)
    payload.update(contract_end=e.contract_end.isoformat(),
                   annual_value_jpy=e.annual_value_jpy, renewal_event_id=event_id(e))
    rows.put(account_id, ACCOUNT, ACCOUNT, rep_id, payload["contract_end"], payload)


def _request_received(rows: _Rows, account_id: str, e: Account.CustomerRequestReceived) -> None:
    rep_id, account = rows.account(account_id)
    rows.put(account_id, e.request_id, REQUEST, rep_id, _day(e.occurred_at), {
        "name": account["name"], "request_id": e.request_id, "kind": e.kind,
        "detail": e.detail, "received_at": iso(e.occurred_at), "origin_rep_id": rep_id,
        "event_id": event_id(e)})


def _request_answered(rows: _Rows, account_id: str, e: Account.CustomerRequestAnswered) -> None:
    found = rows.get(account_id, e.request_id)
    rows.delete(account_id, e.request_id)
    if e.concession.strip():
        _, account = rows.account(account_id)
        request = found[3] if found else {}
        _concession(rows, account_id, e, account["name"], {
            "source": "request", "request_id": e.request_id,
            "request_kind": request.get("kind"), "request_detail": request.get("detail"),
            "answer": e.answer, "concession": e.concession, "note": e.note})


def _complaint_resolved(rows: _Rows, account_id: str, e: Account.ComplaintResolved) -> None:
    if e.concession.strip():
        _, account = rows.account(account_id)
        _concession(rows, account_id, e, account["name"], {
            "source": "complaint", "complaint_id": e.complaint_id,
            "resolution": e.resolution, "concession": e.concession})


def _concession(rows: _Rows, account_id: str, e: Any, name: str, what: dict[str, Any]) -> None:
    rep_id, _ = rows.account(account_id)
    rows.put(account_id, f"{CONCESSION}:{event_id(e)}", CONCESSION, rep_id, _day(e.occurred_at),
             {"name": name, "granted_at": iso(e.occurred_at), "granted_by": e.recorded_by,
              "event_id": event_id(e), **what})


def _handover_initiated(rows: _Rows, account_id: str, e: Account.HandoverInitiated) -> None:
    rep_id, account = rows.account(account_id)
    account.setdefault("parties", {})[e.handover_id] = [e.from_rep_id, e.to_rep_id]
    rows.put(account_id, ACCOUNT, ACCOUNT, rep_id, account["contract_end"] or "", account)
    rows.put(account_id, f"{HANDOVER}:{e.handover_id}", HANDOVER, e.to_rep_id,
             _day(e.occurred_at), {
                 "name": account["name"], "handover_id": e.handover_id,
                 "from_rep_id": e.from_rep_id, "to_rep_id": e.to_rep_id, "reason": e.reason,
                 "initiated_at": iso(e.occurred_at), "effective_at": iso(e.effective_at),
                 "acknowledged_at": None, "joint_visit_at": None, "customer_informed_at": None,
                 "checkpoint_on": None, "event_id": event_id(e)})


def _handover_step(step: str) -> _Handler:
    def record(rows: _Rows, account_id: str, e: Any) -> None:
        found = rows.get(account_id, f"{HANDOVER}:{e.handover_id}")
        if found is not None:
            kind, rep_id, day, payload = found
            payload[step] = payload.get(step) or iso(e.occurred_at)
            rows.put(account_id, f"{HANDOVER}:{e.handover_id}", kind, rep_id, day, payload)

    return record


def _checkpoint_scheduled(rows: _Rows, account_id: str,
                          e: Account.HandoverCheckpointScheduled) -> None:
    on = e.checkpoint_on.isoformat()
    handover = rows.get(account_id, f"{HANDOVER}:{e.handover_id}")
    if handover is not None:
        handover[3]["checkpoint_on"] = on
        rows.put(account_id, f"{HANDOVER}:{e.handover_id}", *handover)
    found = rows.get(account_id, f"{CHECKPOINT}:{e.handover_id}")
    if found is not None and found[2] <= on:
        return  # the earliest checkpoint not yet held is the one due
    _, account = rows.account(account_id)
    from_rep_id, to_rep_id = account["parties"][e.handover_id]
    rows.put(account_id, f"{CHECKPOINT}:{e.handover_id}", CHECKPOINT, to_rep_id, on, {
        "name": account["name"], "handover_id": e.handover_id, "from_rep_id": from_rep_id,
        "to_rep_id": to_rep_id, "checkpoint_on": on, "note": e.note,
        "event_id": event_id(e)})


def _checkpoint_held(rows: _Rows, account_id: str, e: Account.HandoverCheckpointHeld) -> None:
    rows.delete(account_id, f"{CHECKPOINT}:{e.handover_id}")


def _handover_completed(rows: _Rows, account_id: str, e: Account.HandoverCompleted) -> None:
    rows.delete(account_id, f"{HANDOVER}:{e.handover_id}")
    rows.account(account_id)[1].update(origin_rep_id=e.from_rep_id, since=_day(e.occurred_at))
    for item_id, (kind, _, day, payload) in rows.of_kind(account_id, ACCOUNT) + rows.of_kind(
            account_id, REQUEST):
        rows.put(account_id, item_id, kind, e.to_rep_id, day, payload)


def _handover_cancelled(rows: _Rows, account_id: str, e: Account.HandoverCancelled) -> None:
    rows.delete(account_id, f"{HANDOVER}:{e.handover_id}")
    rows.delete(account_id, f"{CHECKPOINT}:{e.handover_id}")


def _correct(rows: _Rows, account_id: str, e: Account.RecordCorrected) -> None:
    target = str(e.corrected_event_id)
    fixes = json_safe(e.corrections)
    if e.corrected_kind == "ContractRenewed":
        rep_id, account = rows.account(account_id)
        if account.get("renewal_event_id") == target:
            account.update({k: v for k, v in fixes.items()
                            if k in ("contract_end", "annual_value_jpy")})
            rows.put(account_id, ACCOUNT, ACCOUNT, rep_id, account["contract_end"] or "",
                     account)
    elif e.corrected_kind == "CustomerRequestReceived":
        for item_id, (kind, rep_id, day, payload) in rows.of_kind(account_id, REQUEST):
            if payload["event_id"] == target and "detail" in fixes:
                rows.put(account_id, item_id, kind, rep_id, day, {**payload,
                                                                  "detail": fixes["detail"]})
    elif e.corrected_kind in ("CustomerRequestAnswered", "ComplaintResolved"):
        found = rows.get(account_id, f"{CONCESSION}:{target}")
        if found is not None:
            kind, rep_id, day, payload = found
            payload.update({k: v for k, v in fixes.items()
                            if k in ("concession", "note", "resolution")})
            if payload["concession"].strip():
                rows.put(account_id, f"{CONCESSION}:{target}", kind, rep_id, day, payload)
            else:
                rows.delete(account_id, f"{CONCESSION}:{target}")


HANDLERS: dict[type[Account.Event], _Handler] = {
    Account.Opened: _opened,
    Account.DetailsChanged: _details_changed,
    Account.ContractRenewed: _contract_renewed,
    Account.CustomerRequestReceived: _request_received,
    Account.CustomerRequestAnswered: _request_answered,
    Account.ComplaintResolved: _complaint_resolved,
    Account.HandoverInitiated: _handover_initiated,
    Account.HandoverDossierAcknowledged: _handover_step("acknowledged_at"),
    Account.HandoverJointVisitMade: _handover_step("joint_visit_at"),
    Account.HandoverCustomerInformed: _handover_step("customer_informed_at"),
    Account.HandoverCheckpointScheduled: _checkpoint_scheduled,
    Account.HandoverCheckpointHeld: _checkpoint_held,
    Account.HandoverCompleted: _handover_completed,
    Account.HandoverCancelled: _handover_cancelled,
    Account.RecordCorrected: _correct,
}
IGNORED = frozenset({  # the route view's rows, or nothing a 課長 watches across the team
    Account.VisitCadenceAgreed, Account.VisitRecorded, Account.PromiseMade,
    Account.PromiseRenegotiated, Account.PromiseKept, Account.PromiseBroken,
    Account.PromiseCancelled, Account.ComplaintReceived, Account.ComplaintAcknowledged,
    Account.ComplaintApologised, Account.ComplaintRemedyProposed, Account.ProposalGiven,
    Account.ProposalReactionRecorded, Account.StakeholderAdded, Account.StakeholderChanged,
    Account.StakeholderLeft, Account.NoteAdded,
})


class TeamView(View):
    name: str = "team"
    tables: ClassVar[dict[str, str]] = {
        "team_items": (
            "CREATE TABLE IF NOT EXISTS team_items ("
            "account_id TEXT NOT NULL, item_id TEXT NOT NULL, kind TEXT NOT NULL, "
            "rep_id TEXT NOT NULL, day TEXT NOT NULL, origin_rep_id TEXT NOT NULL, "
            "since TEXT NOT NULL, payload TEXT NOT NULL, "
            "PRIMARY KEY (account_id, item_id))"
        ),
    }
    indexes: ClassVar[list[str]] = [
        "CREATE INDEX IF NOT EXISTS team_items_by_day "
        "ON team_items (kind, day, account_id, item_id)",
        "CREATE INDEX IF NOT EXISTS team_items_counted "
        "ON team_items (kind, rep_id, origin_rep_id)",
    ]

    def apply(self, cursor: ViewCursor, events: Sequence[Any]) -> None:
        rows = _Rows(cursor, list(dict.fromkeys(account_key(e) for e in events)))
        for event in events:
            handler = HANDLERS.get(type(event))
            if handler is not None:
                handler(rows, account_key(event), event)
        rows.save()
