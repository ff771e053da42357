"""The one import: every source row through the Account's own commands and invariants —
or, for Tsunagi's own export (``tsunagi-jsonl``, see tsunagi_jsonl.py), every exported event
replayed as it was, through the aggregate's own mutator.

A row is all or nothing: its events and its identity (format + 元ID, or its content) are
saved in one transaction, so the same row is never appended twice, and a known 元ID with
other content is reported. A dry run applies every row to copies of the accounts and saves
nothing. ``POST /v1/imports`` and ``tsunagi import`` both call ``run_import``.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, Protocol
from uuid import NAMESPACE_URL, UUID, uuid5

from api.errors import problem_of
from api.imports import cybozu_report, salesforce_activity, tsunagi_csv, tsunagi_jsonl
from api.imports.mappings import Context, Mappings
from api.imports.rows import (
    BadRow,
    Entry,
    ImportRefused,
    Kind,
    NotThisFormat,
    Parsed,
    RowError,
)
from api.imports.text import Unreadable, decoded
from audit.chain import chained
from domain.account import Account
from domain.application import Recorded, Tsunagi
from domain.errors import (
    AccountNotFound,
    ConcurrencyConflict,
    DomainError,
    ItemNotFound,
    NotPermitted,
    StoreUnavailable,
    UserNotFound,
)
from domain.idempotency import Idempotency, IdempotencyKeyReused, IdempotentRequest
from domain.users import User
from domain.values import Actor, Channel, RequestKind, Role, local_today

ACCOUNT_CODES = uuid5(NAMESPACE_URL, "https://tsunagi.example/import/account-codes")
IMPORTED_CADENCE_DAYS = 14  # an imported account's visit rhythm until one is agreed
ATTEMPTS = 3  # a row whose account another writer moved on is applied again on the new state
BATCH_ROWS = 500  # rows saved in one transaction by a real run
REQUEST_KINDS = {"短納期": RequestKind.RUSH_DELIVERY, "値下げ": RequestKind.DISCOUNT,
                 "特別対応": RequestKind.SPECIAL_HANDLING}
Parser = Callable[[str, Context], Iterator[Parsed]]
PARSERS: dict[str, Parser] = {
    tsunagi_csv.NAME: lambda text, _: tsunagi_csv.parse(text),
    cybozu_report.NAME: cybozu_report.parse,
    salesforce_activity.NAME: salesforce_activity.parse,
}
# Formats that restore events as they were stored (admin only over HTTP: see ADMIN_ONLY).
REPLAYS: dict[str, Callable[..., None]] = {tsunagi_jsonl.NAME: tsunagi_jsonl.replay}
FORMATS = (*PARSERS, *REPLAYS)
ADMIN_ONLY = frozenset(REPLAYS)  # they write users, and history in other people's names

# The domain names the field it refused; a row names the column it came from.
COLUMN_OF_FIELD = {
    "occurred_at": "日時", "received_at": "日時", "started_on": "日時", "effective_at": "日時",
    "due_date": "期日", "description": "件名", "purpose": "件名", "subject": "件名",
    "summary": "内容", "detail": "内容", "text": "内容", "reason": "内容", "note": "内容",
    "attendees": "相手", "made_to": "相手", "next_action": "次回アクション", "name": "取引先名",
    "owner_rep_id": "担当者", "to_rep_id": "担当者", "outcome": "結果", "promise_id": "件名",
}


Counts = tuple[int, int, int, int, int]  # accepted, rejected, accounts, events, duplicates


@dataclass
class ImportReport:
    format: str
    file_sha256: str
    encoding: str
    dry_run: bool
    rows: int = 0
    accepted: int = 0
    rejected: list[BadRow] = field(default_factory=list)
    accounts_created: int = 0
    events_appended: int = 0
    duplicates: int = 0

    def counts(self) -> Counts:
        """What the report says so far, to go back to when a batch is taken again."""
        return (self.accepted, len(self.rejected), self.accounts_created,
                self.events_appended, self.duplicates)

    def restore(self, counts: Counts) -> None:
        (self.accepted, rejected, self.accounts_created, self.events_appended,
         self.duplicates) = counts
        del self.rejected[rejected:]

    def public(self) -> dict[str, Any]:
        """The answer of ``POST /v1/imports`` (API.md, "Import"). A dry run appends nothing;
        what it would have appended is in ``would_create_accounts`` and ``would_append``."""
        answer: dict[str, Any] = {
            "format": self.format, "file_sha256": self.file_sha256, "encoding": self.encoding,
            "dry_run": self.dry_run, "rows": self.rows, "accepted": self.accepted,
            "rejected": [bad.public() for bad in self.rejected],
            "accounts_created": 0 if self.dry_run else self.accounts_created,
            "events_appended": 0 if self.dry_run else self.events_appended,
            "duplicates": self.duplicates,
        }
        if self.dry_run:
            answer["would_create_accounts"] = self.accounts_created
            answer["would_append"] = self.events_appended
        return answer


def account_id_of(code: str) -> UUID:
    """The account a source key names: an existing account's own id, or the same id for the
    same code in every import."""
    try:
        return UUID(code)
    except ValueError:
        return uuid5(ACCOUNT_CODES, code)


def run_import(app: Tsunagi, actor: Actor, data: bytes, *, format: str,
               charset: str | None = None, dry_run: bool = False,
               progress: Callable[[int, int], None] | None = None,
               users: bytes | None = None, accounts: bytes | None = None) -> ImportReport:
    """Import ``data`` as ``format`` for ``actor`` (a manager or an admin: accounts are
    opened and handovers recorded in their name as manager; every other row is recorded by
    its 担当者, who must own the account at the row's time, as live). ``users`` and
    ``accounts`` are the mapping files a format may need (api.imports.mappings)."""
    if format in REPLAYS:
        return _replayed(app, actor, data, format=format, charset=charset, dry_run=dry_run,
                         progress=progress)
    parser = PARSERS.get(format)
    if parser is None:
        raise ImportRefused(f"形式 {format} は扱えません（{'、'.join(FORMATS)}）")
    context = Context(Mappings(users=users, accounts=accounts), app.registered_users,
                      app.clock())
    try:
        text, encoding = decoded(data, charset)
        survey = Survey.of(parser(text, context))
    except (Unreadable, NotThisFormat) as exc:
        raise ImportRefused(str(exc)) from None
    report = ImportReport(format=format, file_sha256=hashlib.sha256(data).hexdigest(),
                          encoding=encoding, dry_run=dry_run, rows=survey.rows)
    ledger: Ledger = DryRun(app) if dry_run else Store(app)
    rows = Rows(app, ledger, Actor(actor.user_id, Role.MANAGER), report, survey.first_rows)
    done = 0
    parsed = parser(text, context)  # read again, a batch at a time: memory stays flat
    while chunk := list(islice(parsed, BATCH_ROWS)):
        ledger.expect([rows.claim(item) for item in chunk if isinstance(item, Entry)])
        for item in chunk:
            rows.take(item)
            if ledger.full:
                rows.flush()
            done += 1
            if progress is not None:
                progress(done, survey.items)
    rows.flush()
    return report


@dataclass
class Survey:
    """A first reading of the file, keeping only what the import needs before its rows:
    each account's earliest row, and how many source rows and entries there are."""

    first_rows: dict[str, FirstRow] = field(default_factory=dict)
    rows: int = 0
    items: int = 0

    @classmethod
    def of(cls, parsed: Iterable[Parsed]) -> Survey:
        survey, last_row = cls(), None
        for item in parsed:
            survey.items += 1
            if item.row != last_row:  # one source row may give several entries
                survey.rows, last_row = survey.rows + 1, item.row
            if isinstance(item, Entry):
                survey.first_row(item)
        return survey

    def first_row(self, item: Entry) -> None:
        """Each account code's earliest row: a new account's first owner is its 担当者,
        and the relationship began on its day."""
        known = self.first_rows.get(item.account_code)
        if known is None or item.when < known.when:
            self.first_rows[item.account_code] = FirstRow(
                item.when, item.rep_id, item.account_name or (known.account_name
                                                               if known else ""))
        elif not known.account_name and item.account_name:
            self.first_rows[item.account_code] = FirstRow(known.when, known.rep_id,
                                                          item.account_name)


def _replayed(app: Tsunagi, actor: Actor, data: bytes, *, format: str, charset: str | None,
              dry_run: bool, progress: Callable[[int, int], None] | None) -> ImportReport:
    """A restore from an export: only an admin may write users and others' history."""
    if actor.role is not Role.ADMIN:
        raise NotPermitted(f"{format} can be imported by an admin only")
    if charset and charset.strip().strip('"').lower() not in ("utf-8", "utf8"):
        raise ImportRefused(f"{format} は UTF-8 のファイルだけです（charset={charset}）")
    report = ImportReport(format=format, file_sha256=hashlib.sha256(data).hexdigest(),
                          encoding="utf-8", dry_run=dry_run)
    REPLAYS[format](app, data, report, progress)
    return report


class Ledger(Protocol):
    """Where applied rows go: the store, or (dry run) nowhere."""

    def account(self, account_id: UUID) -> Account | None: ...

    def seen(self, claim: Idempotency) -> bool: ...

    def keep(self, account: Account, claim: Idempotency) -> bool: ...

    def fresh(self, account_id: UUID) -> Account | None: ...

    def expect(self, claims: Sequence[Idempotency]) -> None: ...

    one_by_one: bool  # each row saved in its own transaction as it is kept

    @property
    def full(self) -> bool: ...

    def save_batch(self) -> bool: ...


class Store:
    """A real run: rows kept in a batch and saved with their identities in one transaction
    (``BATCH_ROWS`` at a time); or, ``one_by_one``, each row in its own."""

    def __init__(self, app: Tsunagi) -> None:
        self.app = app
        self.one_by_one = False
        self.working: dict[UUID, Account] = {}  # the batch's accounts, their events pending
        self.rows: list[tuple[Idempotency, Recorded]] = []
        self.claims: dict[str, str] = {}  # the batch's rows: key → fingerprint
        self.recorded: dict[UUID, str] = {}  # rows of the file recorded before it began

    def expect(self, claims: Sequence[Idempotency]) -> None:
        """Learn at once which of the next rows were recorded before (record id →
        fingerprint), instead of asking row by row. A row saved meanwhile by a copy of
        this import makes its batch fail whole; saved one by one, each row asks again."""
        stored = chained(self.app.recorder).first_events([c.record_id for c in claims])
        self.recorded = {event.originator_id: event.fingerprint
                         for event in map(self.app.mapper.to_domain_event, stored)
                         if isinstance(event, IdempotentRequest.Recorded)}

    def account(self, account_id: UUID) -> Account | None:
        if account_id in self.working:
            return copy.deepcopy(self.working[account_id])
        written = self.app.last_written(account_id)
        return copy.deepcopy(written) if written is not None else self.fresh(account_id)

    def fresh(self, account_id: UUID) -> Account | None:
        try:
            return self.app.get_account(account_id)
        except AccountNotFound:
            return None

    def seen(self, claim: Idempotency) -> bool:
        earlier = self.claims.get(claim.key)
        if earlier is not None and earlier != claim.fingerprint:
            raise IdempotencyKeyReused("another row of this file has the same 元ID")
        if earlier is not None:
            return True
        if self.one_by_one:
            return self.app.imported_before(claim) is not None
        before = self.recorded.get(claim.record_id)
        if before is not None and before != claim.fingerprint:
            raise IdempotencyKeyReused("recorded before with other content")
        return before is not None

    def keep(self, account: Account, claim: Idempotency) -> bool:
        """Kept for the batch (or saved, one by one); False when the same row was saved by
        a copy of this import meanwhile."""
        if self.one_by_one:
            return not self.app.save_imported(account, claim).replayed
        self.rows.append((claim, Recorded(account.id, account.version, account.last_event_id)))
        self.working[account.id] = account
        self.claims[claim.key] = claim.fingerprint
        return True

    @property
    def full(self) -> bool:
        return len(self.rows) >= BATCH_ROWS

    def save_batch(self) -> bool:
        """Save the batch in one transaction; False, with nothing saved, when it cannot be
        saved whole (another writer moved an account on, a copy of this import saved one
        of its rows, an owner refused)."""
        try:
            if self.rows:
                self.app.save_imported_rows(list(self.working.values()), self.rows)
            return True
        except StoreUnavailable:
            raise  # the import stops (503; exit 2): the rows saved so far stay, once
        except DomainError:  # ConcurrencyConflict, NotAnActiveRep
            return False
        finally:
            self.working.clear()
            self.rows.clear()
            self.claims.clear()


class DryRun:
    """A dry run: rows apply to copies kept here; nothing is saved."""

    def __init__(self, app: Tsunagi) -> None:
        self.store = Store(app)
        self.accounts: dict[UUID, Account] = {}
        self.claims: dict[str, str] = {}

    def account(self, account_id: UUID) -> Account | None:
        if account_id in self.accounts:
            return copy.deepcopy(self.accounts[account_id])
        return self.store.account(account_id)

    def fresh(self, account_id: UUID) -> Account | None:
        return self.account(account_id)

    def expect(self, claims: Sequence[Idempotency]) -> None:
        self.store.expect(claims)

    def seen(self, claim: Idempotency) -> bool:
        earlier = self.claims.get(claim.key)
        if earlier is not None and earlier != claim.fingerprint:
            raise IdempotencyKeyReused("another row of this file has the same 元ID")
        return earlier is not None or self.store.seen(claim)

    def keep(self, account: Account, claim: Idempotency) -> bool:
        account.collect_events()
        self.accounts[account.id] = account
        self.claims[claim.key] = claim.fingerprint
        self.kept += 1
        return True

    one_by_one = False
    kept = 0  # rows since the last batch: a dry run lets go of its rows as a real run does

    @property
    def full(self) -> bool:
        return self.kept >= BATCH_ROWS

    def save_batch(self) -> bool:
        self.kept = 0
        return True


class RowRefused(Exception):
    def __init__(self, column: str | None, msg: str) -> None:
        super().__init__(msg)
        self.error = RowError(column, msg)


class Rows:
    """Applies entries one by one; remembers what the file taught it (first owners,
    promises by 元ID, who is a rep)."""

    def __init__(self, app: Tsunagi, ledger: Ledger, importer: Actor, report: ImportReport,
                 first: dict[str, FirstRow]) -> None:
        self.app = app
        self.ledger = ledger
        self.importer = importer
        self.report = report
        self.first_rows = first
        self.promises: dict[UUID, dict[str, str]] = {}
        self.reps: dict[str, User | None] = {}
        self.batch: list[Parsed] = []  # taken since the last flush
        self.counted = self.report.counts()  # the report as the last flush left it

    def take(self, item: Parsed) -> None:
        self.batch.append(item)
        if isinstance(item, BadRow):
            self.report.rejected.append(item)
        else:
            self.apply(item)

    def flush(self) -> None:
        """Save the rows taken since the last flush. A batch that cannot be saved whole is
        taken again row by row, each saved on its own, so each row is judged alone (and
        the report counts what was saved)."""
        batch, self.batch = self.batch, []
        if not self.ledger.save_batch():
            self.report.restore(self.counted)
            self.promises.clear()  # they named promises of the batch, which was not saved
            self.ledger.one_by_one = True
            try:
                for item in batch:
                    self.take(item)
            finally:
                self.ledger.one_by_one = False
                self.batch = []
        self.counted = self.report.counts()

    def claim(self, entry: Entry) -> Idempotency:
        """The row's identity: format + 元ID (or its content), and a fingerprint of it."""
        return Idempotency(principal=f"import:{self.report.format}", key=entry.identity,
                           fingerprint=entry.fingerprint)

    def apply(self, entry: Entry) -> None:
        claim = self.claim(entry)
        try:
            if self.ledger.seen(claim):
                self.report.duplicates += 1
                return
            self._apply(entry, claim)
        except IdempotencyKeyReused:
            column = entry.column("元ID")
            self._reject(entry, "元ID", f"{column} {entry.external_id} は別の内容ですでに取り込"
                                        "まれています（訂正は画面から訂正として記録してください）")
        except RowRefused as exc:
            self._reject(entry, exc.error.column, exc.error.msg)
        except StoreUnavailable:
            raise  # not the row's fault: the import stops, and can be run again
        except DomainError as exc:
            self._reject(entry, _column(exc), _japanese(exc, entry))

    def _reject(self, entry: Entry, column: str | None, msg: str) -> None:
        """The row refused, naming the column of its own format (``column`` names the
        tsunagi-csv column: 日時, 担当者 …)."""
        self.report.rejected.append(BadRow(entry.row, (RowError(entry.column(column), msg),)))

    def _apply(self, entry: Entry, claim: Idempotency) -> None:
        account_id = account_id_of(entry.account_code)
        account = self.ledger.account(account_id)
        for attempt in range(1, ATTEMPTS + 1):
            opened = account is None
            batched = 0 if account is None else len(account.pending_events)  # earlier rows'
            changed = self._changed(account, account_id, entry)
            try:
                events = len(changed.pending_events) - batched
                if not self.ledger.keep(changed, claim):
                    self.report.duplicates += 1
                    return
            except ConcurrencyConflict:
                if attempt == ATTEMPTS:
                    raise
                self.promises.pop(account_id, None)
                account = self.ledger.fresh(account_id)
                continue
            self.report.accepted += 1
            self.report.events_appended += events
            self.report.accounts_created += opened
            return

    def _changed(self, account: Account | None, account_id: UUID, entry: Entry) -> Account:
        """A copy of the account with the row's events pending (opened first if new)."""
        source = {"format": self.report.format, "row": entry.row,
                  "external_id": entry.external_id or None,
                  "file_sha256": self.report.file_sha256,
                  "imported_by": self.importer.user_id}
        rep = Actor(self._rep(entry.rep_id, entry.when), Role.REP)
        now = self.app.clock()
        if account is None:
            account = self._opened(account_id, entry, now, source)
        with account.sourced(source):
            self._record(account, entry, rep, now)
        return account

    def _opened(self, account_id: UUID, entry: Entry, now: datetime,
                source: dict[str, Any]) -> Account:
        first = self.first_rows[entry.account_code]
        if not entry.account_name and not first.account_name:
            raise RowRefused("取引先名", f"新しい取引先コード {entry.account_code} には取引先名が"
                                        "必要です")
        owner = self._rep(first.rep_id, first.when)
        started_on = min(local_today(first.when), local_today(now))
        return Account.open(self.importer, now, name=entry.account_name or first.account_name,
                            owner_rep_id=owner, visit_cadence_days=IMPORTED_CADENCE_DAYS,
                            started_on=started_on, account_id=account_id, source=source)

    def _record(self, account: Account, entry: Entry, rep: Actor, now: datetime) -> None:
        when = entry.when
        if entry.kind is Kind.VISIT:
            account.record_visit(rep, now, occurred_at=when, purpose=entry.subject,
                                 summary=entry.body, attendees=entry.attendees,
                                 next_action=entry.next_action,
                                 channel=entry.channel or Channel.IN_PERSON.value)
        elif entry.kind is Kind.PROMISE:
            assert entry.due is not None  # the parser requires 期日
            promise_id = account.make_promise(
                rep, now, description=entry.subject, due_date=entry.due, occurred_at=when,
                made_to="、".join(entry.attendees) or account.name)
            if entry.external_id:
                self._promises(account)[entry.external_id] = promise_id
        elif entry.kind is Kind.PROMISE_OUTCOME:
            promised = self._promises(account).get(entry.promise_ref)
            if promised is None:
                raise RowRefused("件名", f"元ID {entry.promise_ref} の約束がこの取引先にありません")
            account.close_promise(rep, now, promise_id=promised, outcome=entry.outcome,
                                  note=entry.body, occurred_at=when)
        elif entry.kind is Kind.COMPLAINT:
            account.receive_complaint(rep, now, received_at=when, subject=entry.subject,
                                      detail=entry.body)
        elif entry.kind is Kind.REQUEST:
            kind = next((k for word, k in REQUEST_KINDS.items() if word in entry.subject),
                        RequestKind.OTHER)
            account.receive_request(rep, now, kind=kind.value,
                                    detail=entry.body or entry.subject, occurred_at=when)
        elif entry.kind is Kind.NOTE:
            account.add_note(rep, now, text=entry.body or entry.subject, occurred_at=when)
        elif entry.kind is Kind.OWNER_CHANGE:
            if account.owner_rep_id == rep.user_id:
                raise RowRefused("担当者", f"{rep.user_id} はこの時点ですでに担当です")
            handover_id = account.initiate_handover(
                self.importer, now, to_rep_id=rep.user_id, effective_at=when, occurred_at=when,
                reason=entry.body or entry.subject or "担当変更（取込）")
            account.complete_handover(self.importer, now, handover_id=handover_id,
                                      occurred_at=when)

    def _rep(self, user_id: str, when: datetime) -> str:
        """The user id of a registered rep who was active at ``when`` (one who has left
        since kept accounts before they left); else the row is refused (column 担当者)."""
        if user_id not in self.reps:
            try:
                self.reps[user_id] = self.app.get_user(user_id)
            except UserNotFound:
                self.reps[user_id] = None
        user = self.reps[user_id]
        if user is None:
            raise RowRefused("担当者", f"担当者 {user_id} は登録されていません")
        if user.role != Role.REP.value:
            raise RowRefused("担当者", f"{user_id} は担当者（rep）ではありません")
        if not user.was_active_rep_at(when):
            since = (f"{local_today(user.deactivated_at).isoformat()} から"
                     if user.deactivated_at else "")
            raise RowRefused("担当者", f"担当者 {user_id} は{since}無効になっています"
                                       "（無効になる前の行だけ取り込めます）")
        return user_id

    def _promises(self, account: Account) -> dict[str, str]:
        """Promise ids by 元ID on this account: imported earlier (read from its stored
        events once) or in this file."""
        if account.id not in self.promises:
            self.promises[account.id] = {
                event.source["external_id"]: event.promise_id
                for event in self.app.readable_events(account.id)
                if isinstance(event, Account.PromiseMade) and event.source
                and event.source.get("external_id")
            } if account.version > len(account.pending_events) else {}
        return self.promises[account.id]


@dataclass(frozen=True)
class FirstRow:
    when: datetime
    rep_id: str
    account_name: str


def _column(exc: DomainError) -> str | None:
    if isinstance(exc, NotPermitted):
        return "担当者"
    name = (exc.field or "").split(".")[0].split("[")[0]
    return COLUMN_OF_FIELD.get(name)


def _japanese(exc: DomainError, entry: Entry) -> str:
    if isinstance(exc, NotPermitted):
        first = "担当変更の行を先に置いてください" if not entry.columns else (
            "先に担当変更を記録するか、tsunagi-csv の担当変更の行で取り込んでください")
        return f"担当者 {entry.rep_id} はこの行の時点でこの取引先の担当ではありません（{first}）"
    if isinstance(exc, ItemNotFound):
        return "対象の記録がこの取引先にありません"
    return problem_of(exc).ja
