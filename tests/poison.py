"""Events no API would accept, written beneath it: through the aggregate with the domain's
checks bypassed, or as hand-made rows through the recorder. What a gap in the value rules,
a bug in an older release or a hand edit of the database could leave in the log."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import StoredEvent

from domain.account import Account
from domain.application import Tsunagi

JST = timezone(timedelta(hours=9))
YEAR_ONE = datetime(1, 1, 1, tzinfo=JST)  # 0000-12-31 in UTC: no datetime can say so
LAST_INSTANT = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-12)))


def written_beneath(store: Tsunagi, account_id: UUID, event_class: type[Any],
                    **data: Any) -> UUID:
    """Trigger the aggregate's event directly (no command, no check) and save it."""
    account = store.get_account(account_id)
    event_id = uuid4()
    account.trigger_event(event_class, event_id=event_id, recorded_by="sato", source=None,
                          **data)
    store.save(account)
    return event_id


def a_visit_in_year_one(store: Tsunagi, account_id: UUID) -> UUID:
    return written_beneath(
        store, account_id, Account.VisitRecorded, occurred_at=YEAR_ONE, visit_id="v-poison",
        planned_at=None, purpose="定期訪問", summary="", attendees=[], small_talk=False,
        minutes_late=0, next_action="", channel="in_person")


def a_promise_due_in_year_one(store: Tsunagi, account_id: UUID, now: datetime) -> UUID:
    return written_beneath(
        store, account_id, Account.PromiseMade, occurred_at=now, promise_id="p-poison",
        description="カタログを送る", due_date=date(1, 1, 1), made_to="山田部長")


def a_handover_effective_at_the_end_of_time(store: Tsunagi, account_id: UUID,
                                            now: datetime) -> UUID:
    return written_beneath(
        store, account_id, Account.HandoverInitiated, occurred_at=now, handover_id="h-poison",
        from_rep_id="sato", to_rep_id="suzuki", reason="異動", effective_at=LAST_INSTANT)


def an_undecodable_row(store: Tsunagi, account_id: UUID) -> None:
    """A row whose state is not JSON at all, next in the account's stream."""
    version = store.get_account(account_id).version + 1
    store.recorder.insert_events([StoredEvent(
        originator_id=account_id, originator_version=version,
        topic="domain.account:Account.VisitRecorded", state=b"\x00not json")])
