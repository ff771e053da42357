"""The Tsunagi application: every command is get → call → save on one Account."""

from __future__ import annotations

import copy
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Concatenate, ParamSpec
from uuid import UUID, uuid5

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    LRUCache,
    ProcessingEvent,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    JSONTranscoder,
    MapperDeserialisationError,
    OperationalError,
    PersistenceError,
    Recording,
)
from eventsourcing.utils import TopicError

from domain.account import Account
from domain.corrections import CorrectionTarget
from domain.errors import (
    AccountNotFound,
    AccountUnreadable,
    ConcurrencyConflict,
    DomainError,
    NotAnActiveRep,
    NotCorrectable,
    StoreUnavailable,
    UserExists,
    UserNotFound,
    VersionMismatch,
)
from domain.idempotency import Idempotency, IdempotentRequest
from domain.transcodings import register_tsunagi_transcodings
from domain.users import User, hash_secret, new_token, split_token, user_aggregate_id
from domain.values import Actor, Role

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)  # rendered by structlog, configured at the edge

SNAPSHOT_INTERVAL = 100
RETRIES_ON_CONFLICT = 8
RETRY_PAUSE_SECONDS = 0.004  # times the attempt number, jittered, between lost races
TOKEN_MEMORY_SECONDS = 5.0  # an accepted token is not looked up again for this long
MAX_TOKENS_REMEMBERED = 10_000
USERS_PAGE = 1000  # registrations read at once by registered_users
ACCOUNTS_REMEMBERED = 5000  # as written by this process, to decide the next command on


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Recorded:
    """What a write returns: where the account now stands and what was appended."""

    account_id: UUID
    version: int
    event_id: UUID | None  # None: the command found nothing to record (nothing appended)
    item_id: str | None = None
    position: int | None = None  # the event's place in the notification log
    replayed: bool = False  # a repeat of an idempotent request: nothing new was recorded

    def as_result(self) -> dict[str, Any]:
        return {"account_id": self.account_id, "version": self.version,
                "event_id": self.event_id, "item_id": self.item_id}

    @classmethod
    def from_result(cls, result: dict[str, Any]) -> Recorded:
        return cls(**result, replayed=True)


AccountCommand = Callable[Concatenate[Account, Actor, datetime, ...], str | None]
"""A command method of Account, e.g. ``Account.record_visit``: decides, then triggers events;
returns the id of the item it created, if any."""

P = ParamSpec("P")


def _command(
    command: Callable[Concatenate[Account, Actor, datetime, P], str | None],
) -> Callable[Concatenate[Tsunagi, Actor, UUID, P], Recorded]:
    """An application method that runs this Account command as get → call → save, with the
    command's own parameters (for a write with If-Match or an idempotency key, call
    Tsunagi.record)."""

    def run(self: Tsunagi, actor: Actor, account_id: UUID, /,
            *args: P.args, **details: P.kwargs) -> Recorded:
        return self.change(account_id,
                           lambda account, now: command(account, actor, now, *args, **details),
                           actor=actor)

    run.__name__ = command.__name__
    run.__qualname__ = f"Tsunagi.{command.__name__}"
    run.__doc__ = command.__doc__
    return run


class Tsunagi(Application[UUID]):
    name = "Tsunagi"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Account: SNAPSHOT_INTERVAL}
    env: ClassVar[dict[str, str]] = {
        "AGGREGATE_CACHE_MAXSIZE": "5000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
    }

    def __init__(self, env: Mapping[str, str] | None = None, clock: Clock = utc_now) -> None:
        self.clock = clock
        self.saved_listeners: list[Callable[[int], None]] = []
        self._account_locks: dict[UUID, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._tokens: dict[str, tuple[Actor, float]] = {}
        self._written: LRUCache[UUID, Account] = LRUCache(maxsize=ACCOUNTS_REMEMBERED)
        super().__init__(env)

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        """Tell in-process followers (the projector) the log has grown to this position."""
        if recordings and self.saved_listeners:
            position = max(r.notification.id for r in recordings)
            for listener in list(self.saved_listeners):
                listener(position)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_tsunagi_transcodings(transcoder)

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """Snapshot from the aggregate just saved, instead of replaying it again.

        The library's default re-reads the aggregate from the store to snapshot it, which
        doubles the replay of every command that lands on a snapshot interval. The events
        are already committed here, so a failed snapshot is logged, never raised: raising
        would tell the caller a recorded write had failed.
        """
        try:
            self._snapshot_saved_aggregates(processing_event)
        except PersistenceError as exc:
            log.warning("snapshot_failed", extra={"error": str(exc)})

    def _snapshot_saved_aggregates(self, processing_event: ProcessingEvent[UUID]) -> None:
        for event in processing_event.events:
            aggregate = processing_event.aggregates.get(event.originator_id)
            interval = self.snapshotting_intervals.get(type(aggregate))
            if aggregate is None or not interval or event.originator_version % interval:
                continue
            if self.snapshots is not None and aggregate.version == event.originator_version:
                self.snapshots.put([Account.Snapshot.take(aggregate)])
            else:
                self.take_snapshot(event.originator_id, version=event.originator_version)

    # ------------------------------------------------------------------ reading

    def get_account(self, account_id: UUID, version: int | None = None) -> Account:
        """The account as stored now (or at a version): a copy of its own, for a command."""
        return self._account(account_id, version=version, copied=True)

    def read_account(self, account_id: UUID) -> Account:
        """The account as stored now, shared with the cache (no copy: a long history's maps
        cost ~0.1 ms to copy): to look at, never to change. An account with a stored event
        that no longer reads is read without it, as the views read it."""
        try:
            return self._account(account_id, version=None, copied=False)
        except AccountUnreadable:
            return self._readable_part(account_id)

    def _account(self, account_id: UUID, *, version: int | None, copied: bool) -> Account:
        try:
            with _store_errors():
                found: Aggregate = self.repository.get(account_id, version=version,
                                                       deepcopy_from_cache=copied)
        except AggregateNotFoundError:
            raise AccountNotFound(f"no account {account_id}") from None
        except UNREADABLE as exc:
            raise AccountUnreadable(
                f"account {account_id} has a stored event that does not read, so nothing "
                f"can be recorded on it until the store is repaired (`tsunagi verify "
                f"--account {account_id}` names it): {str(exc)[:200]}") from None
        if not isinstance(found, Account):  # a user's or an idempotency key's stream
            raise AccountNotFound(f"no account {account_id}")
        return found

    def _readable_part(self, account_id: UUID) -> Account:
        """Every event of the account that reads, applied in order, stepping over the
        others (their versions too)."""
        account: Account | None = None
        for event in self.readable_events(account_id):
            if account is not None:
                account.version = event.originator_version - 1
            try:
                account = event.mutate(account)
            except (TypeError, ValueError, KeyError, AttributeError):
                continue  # an event that reads but no longer applies
        if not isinstance(account, Account):
            raise AccountNotFound(f"no account {account_id}")
        return account

    def readable_events(self, account_id: UUID, *, gt: int | None = None,
                        lte: int | None = None) -> Iterator[Any]:
        """The account's stored events in order, leaving out a row that does not read as an
        event (the views quarantine it; `tsunagi verify` names it)."""
        with _store_errors():
            rows = self.recorder.select_events(account_id, gt=gt, lte=lte)
        for row in rows:
            try:
                yield self.mapper.to_domain_event(row)
            except UNREADABLE:
                continue

    # ------------------------------------------------------------------ writing

    def open_account(
        self, actor: Actor, *, name: str, owner_rep_id: str, visit_cadence_days: int,
        started_on: date | None = None, idempotency: Idempotency | None = None,
    ) -> Recorded:
        if idempotency and (previous := self._previous(idempotency)):
            return previous
        account = Account.open(
            actor, self.clock(),
            name=name, owner_rep_id=owner_rep_id, visit_cadence_days=visit_cadence_days,
            started_on=started_on,
        )
        self._check_new_owners(account)
        recorded = Recorded(account.id, account.version, account.last_event_id)
        return self._save_recorded(account, recorded, idempotency)

    def record(
        self, actor: Actor, account_id: UUID, command: AccountCommand, /, *args: Any,
        expected_version: int | None = None, idempotency: Idempotency | None = None,
        **details: Any,
    ) -> Recorded:
        """Run one Account command, e.g. ``Account.record_visit``, for this actor, as
        ``command(account, actor, now, **details)`` inside ``change``."""
        return self.change(
            account_id,
            lambda account, now: command(account, actor, now, *args, **details),
            actor=actor,
            expected_version=expected_version,
            idempotency=idempotency,
        )

    def change(
        self,
        account_id: UUID,
        command: Callable[[Account, datetime], str | None],
        *,
        actor: Actor | None = None,
        expected_version: int | None = None,
        idempotency: Idempotency | None = None,
    ) -> Recorded:
        """Load the account, run one command on it, save; retry a lost race unless If-Match.

        With an ``actor``, the command runs only on an account that actor may see; on any
        other it is AccountNotFound (404), as for a reader, so nothing leaks.

        The command first runs on the account as this process last wrote it, without asking
        the store what changed since (a round trip per command). That is safe because the
        store decides: had another writer appended meanwhile, the version this save claims
        is taken and the save fails whole. Any refusal or lost race on that copy, access
        included, is decided again on the stored account, so it never answers for what the
        store holds: a former owner whose handover another process completed gets 404 here
        too, however stale this process's copy.

        With an idempotency key, a repeat returns the first result and records nothing.
        """
        if idempotency and (previous := self._previous(idempotency)):
            return previous
        with self._writing(account_id):
            written = self.last_written(account_id)
            if written is not None:
                try:
                    return self._attempt(copy.deepcopy(written), actor, command,
                                         expected_version, idempotency)
                except StoreUnavailable:
                    raise
                except DomainError:
                    pass  # another writer moved on, or a refusal: decide on the stored account
            return self._change(account_id, actor, command, expected_version, idempotency)

    def last_written(self, account_id: UUID) -> Account | None:
        """The account as this process last saved it (others may have appended since);
        never changed in place, so it may be read without a lock."""
        try:
            return self._written.get(account_id)
        except KeyError:
            return None

    def _writing(self, account_id: UUID) -> threading.Lock:
        """Writers of one account in this process take turns; other processes still race,
        and those races are retried or answered with ConcurrencyConflict."""
        with self._locks_lock:
            return self._account_locks.setdefault(account_id, threading.Lock())

    def _change(self, account_id: UUID, actor: Actor | None,
                command: Callable[[Account, datetime], str | None],
                expected_version: int | None, idempotency: Idempotency | None) -> Recorded:
        attempts = 1 if expected_version is not None else RETRIES_ON_CONFLICT
        for attempt in range(1, attempts + 1):
            try:
                return self._attempt(self.get_account(account_id), actor, command,
                                     expected_version, idempotency)
            except ConcurrencyConflict:
                if expected_version is not None:
                    raise VersionMismatch(expected_version, expected_version + 1) from None
                if attempt == attempts:
                    raise
                time.sleep(random.uniform(0, RETRY_PAUSE_SECONDS * attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, account: Account, actor: Actor | None,
                 command: Callable[[Account, datetime], str | None],
                 expected_version: int | None, idempotency: Idempotency | None) -> Recorded:
        """One command on this copy of the account, saved, and the copy remembered."""
        if actor is not None and not account.may_read(actor):
            raise AccountNotFound(f"no account {account.id}")
        if expected_version is not None and account.version != expected_version:
            raise VersionMismatch(expected_version, account.version)
        item_id = command(account, self.clock())
        if not account.pending_events:  # nothing to record (the values were already so)
            unchanged = Recorded(account.id, account.version, None, item_id)
            return unchanged if idempotency is None else self._save_recorded(
                account, unchanged, idempotency)
        self._check_new_owners(account)
        recorded = Recorded(account.id, account.version, account.last_event_id, item_id)
        recorded = self._save_recorded(account, recorded, idempotency)
        if not recorded.replayed:
            self._written.put(account.id, account)
        return recorded

    def _save_recorded(self, aggregate: Aggregate, recorded: Recorded,
                       idempotency: Idempotency | None) -> Recorded:
        if idempotency is None:
            return replace(recorded, position=self._save(aggregate))
        key = IdempotentRequest.record(idempotency, recorded.as_result())
        try:
            return replace(recorded, position=self._save(aggregate, key))
        except ConcurrencyConflict:
            previous = self._previous(idempotency)  # the same request won a race
            if previous is not None:
                return previous
            raise

    def _previous(self, idempotency: Idempotency) -> Recorded | None:
        try:
            with _store_errors():
                record: IdempotentRequest = self.repository.get(idempotency.record_id)
        except AggregateNotFoundError:
            return None
        return Recorded.from_result(record.replay(idempotency))

    def _save(self, *aggregates: Aggregate) -> int | None:
        try:
            with _store_errors():
                recordings = self.save(*aggregates)
        except IntegrityError:
            raise ConcurrencyConflict(
                "the account was changed by another writer; try again"
            ) from None
        return max((r.notification.id for r in recordings), default=None)

    # ------------------------------------------------------------------ imports

    def imported_before(self, claim: Idempotency) -> Recorded | None:
        """What an import recorded for the source row this claim names, or None; raises
        IdempotencyKeyReused when that row was recorded with other content."""
        return self._previous(claim)

    def save_imported(self, account: Account, claim: Idempotency) -> Recorded:
        """One imported row's events on this account and the row's identity, in one
        transaction: all or nothing, and never twice (a copy of the row that won a race
        is answered as replayed). ConcurrencyConflict when the account moved on; an owner
        or successor who was not an active rep when the account was given is refused
        (NotAnActiveRep): a rep who has left since owned it then."""
        self._check_new_owners(account, history=True)
        with self._writing(account.id):
            recorded = Recorded(account.id, account.version, account.last_event_id)
            recorded = self._save_recorded(account, recorded, claim)
            if not recorded.replayed:
                self._written.put(account.id, account)
        return recorded

    def save_imported_rows(self, accounts: Sequence[Account],
                           rows: Sequence[tuple[Idempotency, Recorded]]) -> None:
        """Many imported rows — their accounts' events and each row's identity with what it
        recorded — in one transaction: all of them or none. ConcurrencyConflict when any
        account moved on or any row was saved meanwhile; NotAnActiveRep as ``save_imported``
        (then nothing is saved, and the rows can be saved one by one to learn which)."""
        for account in accounts:
            self._check_new_owners(account, history=True)
        with ExitStack() as locked:
            for account in sorted(accounts, key=lambda a: a.id):
                locked.enter_context(self._writing(account.id))
            self._save(*accounts, *(IdempotentRequest.record(claim, recorded.as_result())
                                    for claim, recorded in rows))
            for account in accounts:
                self._written.put(account.id, account)

    # ------------------------------------------------------------------ restores

    def stored_aggregate(self, aggregate_id: UUID) -> Aggregate | None:
        """Whatever aggregate is stored under this id (an account, a user, an idempotency
        key), or None; AccountUnreadable when one of its stored events does not read."""
        try:
            with _store_errors():
                found: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        except UNREADABLE as exc:
            raise AccountUnreadable(f"{aggregate_id} has a stored event that does not read: "
                                    f"{str(exc)[:200]}") from None
        return found

    def stored_event(self, aggregate_id: UUID, version: int) -> Any | None:
        """The event stored at this version of this aggregate, or None."""
        with _store_errors():
            rows = self.recorder.select_events(aggregate_id, gt=version - 1, lte=version)
        try:
            return self.mapper.to_domain_event(rows[0]) if rows else None
        except UNREADABLE as exc:
            raise AccountUnreadable(f"version {version} of {aggregate_id} does not read: "
                                    f"{str(exc)[:200]}") from None

    def save_restored(self, aggregates: Sequence[Aggregate], events: Sequence[Any]) -> None:
        """Events read back from an export, exactly as they were (ids, versions, times,
        who recorded them), saved in one transaction through the chained recorder, with the
        aggregates they leave (snapshots and this process's copies follow them).
        ConcurrencyConflict, nothing saved, when any of their versions was taken meanwhile."""
        with ExitStack() as locked:
            for aggregate in sorted(aggregates, key=lambda a: a.id):
                locked.enter_context(self._writing(aggregate.id))
            try:
                with _store_errors():
                    self.save(*events, *aggregates)
            except IntegrityError:
                raise ConcurrencyConflict(
                    "a version being restored was stored meanwhile; try again") from None
            for aggregate in aggregates:
                if isinstance(aggregate, Account):
                    self._written.put(aggregate.id, aggregate)

    # ------------------------------------------------------------------ users

    def register_user(self, by: Actor, *, user_id: str, name: str, role: str,
                      idempotency: Idempotency | None = None) -> tuple[User, str | None]:
        """A new user and their bearer token (shown once: a replayed request gets None)."""
        if idempotency and (previous := self._previous(idempotency)):
            return self.get_user(previous.item_id or ""), None
        token, token_hash = new_token(user_id if isinstance(user_id, str) else "")
        user = User.register(by, user_id=user_id, name=name, role=role, token_hash=token_hash)
        recorded = Recorded(user.id, user.version, uuid5(user.id, "registered"), user.user_id)
        try:
            self._save_recorded(user, recorded, idempotency)
        except ConcurrencyConflict:
            raise UserExists(f"user {user_id} already exists", field="user_id") from None
        return user, token

    def issue_token(self, by: Actor, user_id: str) -> str:
        user = self.get_user(user_id)
        token, token_hash = new_token(user_id)
        user.issue_token(by, token_hash)
        self._save(user)
        self.forget_tokens_of(user_id)
        return token

    def deactivate_user(self, by: Actor, user_id: str) -> User:
        """The user signs in no more: at once in this process, within
        ``TOKEN_MEMORY_SECONDS`` in others (their web sessions end on their next page)."""
        user = self.get_user(user_id)
        user.deactivate(by, self.clock())
        self._save(user)
        self.forget_tokens_of(user_id)
        return user

    def forget_tokens_of(self, user_id: str) -> None:
        """Tokens of this user accepted lately are looked up in the store again."""
        self._tokens = {k: v for k, v in self._tokens.items() if v[0].user_id != user_id}

    def _check_new_owners(self, account: Account, *, history: bool = False) -> None:
        """Before an account is saved: whoever its new events give it to (a first owner, a
        successor) is an active rep. Only new events are judged, so an account whose owner
        was never registered (an older store) still takes every other write."""
        for event in account.pending_events:
            field = GIVEN_TO.get(type(event))
            if field is not None:
                at = getattr(event, GIVEN_AT[type(event)]) if history else None
                self.check_owner(getattr(event, field), field, at)

    def is_rep(self, user_id: str) -> bool:
        """Whether this user id names a registered rep (active or deactivated since)."""
        try:
            return self.get_user(user_id).role == Role.REP.value
        except UserNotFound:
            return False

    def check_owner(self, user_id: str, field: str, at: datetime | None = None) -> None:
        """An account is given (a new owner, a successor) only to a registered, active rep,
        as the store has them now — or, for history given ``at`` a past moment, to a rep
        who was active then; ``field`` names the value refused."""
        try:
            user = self.get_user(user_id)
        except UserNotFound:
            user = None
        if user is None or not (user.is_active_rep if at is None
                                else user.was_active_rep_at(at)):
            why = ("no such user" if user is None else
                   "deactivated" if not user.active else f"a {user.role}, not a rep")
            raise NotAnActiveRep(f"{user_id!r} is not an active rep ({why})", field=field)

    def registered_users(self) -> list[tuple[str, str]]:
        """Every registered user as (user_id, name), read from the log's registrations (an
        import matching people by name does not wait for a view to catch up)."""
        topic = f"{User.Registered.__module__}:{User.Registered.__qualname__}"
        found: list[tuple[str, str]] = []
        start: int | None = None
        while True:
            with _store_errors():
                page = self.recorder.select_notifications(
                    start, USERS_PAGE, topics=[topic], inclusive_of_start=start is None)
            for notification in page:
                try:
                    event = self.mapper.to_domain_event(notification)
                except UNREADABLE:
                    continue
                if isinstance(event, User.Registered):
                    found.append((event.user_id, event.name))
            if len(page) < USERS_PAGE:
                return found
            start = page[-1].id

    def get_user(self, user_id: str) -> User:
        try:
            with _store_errors():
                found: Aggregate = self.repository.get(user_aggregate_id(user_id))
        except AggregateNotFoundError:
            raise UserNotFound(f"no user {user_id}", field="user_id") from None
        if not isinstance(found, User):  # an account's or an idempotency key's stream
            raise UserNotFound(f"no user {user_id}", field="user_id")
        return found

    def authenticate(self, token: str) -> Actor | None:
        """The token's user. A token accepted here is remembered for
        ``TOKEN_MEMORY_SECONDS``: a rotation in another process takes effect within that."""
        parts = split_token(token)
        if parts is None:
            return None
        remembered = self.remembered(token)
        if remembered is not None:
            return remembered
        user_id, secret = parts
        try:
            user = self.get_user(user_id)
        except UserNotFound:
            return None
        if not user.accepts(secret):
            return None
        if len(self._tokens) >= MAX_TOKENS_REMEMBERED:
            self._tokens.clear()
        self._tokens[hash_secret(token)] = (user.actor, time.monotonic() + TOKEN_MEMORY_SECONDS)
        return user.actor

    def remembered(self, token: str) -> Actor | None:
        """The user of a token accepted within the last ``TOKEN_MEMORY_SECONDS``, or None
        (then ask ``authenticate``); never a round trip to the store."""
        remembered = self._tokens.get(hash_secret(token))
        if remembered is not None and remembered[1] > time.monotonic():
            return remembered[0]
        return None

    # One method per Account command, so callers read as the domain does.
    change_details = _command(Account.change_details)
    agree_visit_cadence = _command(Account.agree_visit_cadence)
    record_visit = _command(Account.record_visit)
    make_promise = _command(Account.make_promise)
    renegotiate_promise = _command(Account.renegotiate_promise)
    close_promise = _command(Account.close_promise)
    receive_complaint = _command(Account.receive_complaint)
    acknowledge_complaint = _command(Account.acknowledge_complaint)
    apologise_for_complaint = _command(Account.apologise_for_complaint)
    propose_remedy = _command(Account.propose_remedy)
    resolve_complaint = _command(Account.resolve_complaint)
    receive_request = _command(Account.receive_request)
    answer_request = _command(Account.answer_request)
    give_proposal = _command(Account.give_proposal)
    record_reaction = _command(Account.record_reaction)
    renew_contract = _command(Account.renew_contract)
    add_stakeholder = _command(Account.add_stakeholder)
    change_stakeholder = _command(Account.change_stakeholder)
    stakeholder_left = _command(Account.stakeholder_left)
    add_note = _command(Account.add_note)

    initiate_handover = _command(Account.initiate_handover)
    acknowledge_dossier = _command(Account.acknowledge_dossier)
    record_joint_visit = _command(Account.record_joint_visit)
    record_customer_informed = _command(Account.record_customer_informed)
    schedule_checkpoint = _command(Account.schedule_checkpoint)
    record_checkpoint_held = _command(Account.record_checkpoint_held)
    complete_handover = _command(Account.complete_handover)
    cancel_handover = _command(Account.cancel_handover)

    def correct_record(
        self,
        actor: Actor,
        account_id: UUID,
        *,
        corrected_event_id: UUID,
        corrected_version: int,
        corrections: dict[str, Any],
        reason: str,
        expected_version: int | None = None,
        idempotency: Idempotency | None = None,
    ) -> Recorded:
        target = self._correction_target(account_id, corrected_event_id, corrected_version)
        return self.change(
            account_id,
            lambda a, now: a.correct(actor, now, target=target, corrections=corrections,
                                     reason=reason),
            actor=actor,
            expected_version=expected_version,
            idempotency=idempotency,
        )

    def _correction_target(
        self, account_id: UUID, event_id: UUID, version: int
    ) -> CorrectionTarget:
        with _store_errors():
            found = list(self.events.get(account_id, gt=version - 1, lte=version))
        if not found or getattr(found[0], "event_id", None) != event_id:
            raise NotCorrectable(
                f"event {event_id} is not version {version} of account {account_id}",
                field="corrected_event_id",
            )
        return CorrectionTarget(event_id=event_id, version=version, kind=type(found[0]).__name__,
                                values=dict(vars(found[0])))


# The events that give an account to someone, and the field naming them (the request's too).
GIVEN_TO: dict[type[Any], str] = {
    Account.Opened: "owner_rep_id",
    Account.HandoverInitiated: "to_rep_id",
}
# When, in the history an import records, the account was given: the owner or successor
# must have been an active rep then (one who has left since still owned it then).
GIVEN_AT: dict[type[Any], str] = {
    Account.Opened: "occurred_at",
    Account.HandoverInitiated: "effective_at",
}
UNREADABLE = (MapperDeserialisationError, TopicError)  # a stored row that is no event


@contextmanager
def _store_errors() -> Iterator[None]:
    """Turn a store that does not answer into StoreUnavailable; leave every other error be."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        raise StoreUnavailable(f"the event store did not answer: {exc}") from exc
