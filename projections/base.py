"""What every view is: an eventsourcing Projection writing its own tables, exactly once.

Most views are a fold per account: a pure ``evolve(document, event)`` kept as one JSON
document per account, plus a few columns to query by. The same fold replays any prefix of
an account's events, so "as of" and "rebuilt" views come from the very same code.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.account import Account
from projections import quarantine
from projections.quarantine import TRANSIENT, CannotApply, Undecodable
from projections.records import account_key, from_json, to_json, utc_key
from projections.storage import ViewCursor, ViewRecorder

Document = dict[str, Any]
CHECKPOINT_EVERY = 100  # versions of an account between two checkpoints of a document
DOCUMENTS_IN_MEMORY = 100  # a view folds a batch this many accounts at a time
Handler = Callable[[Document, Any], None]  # (document, one event class's event) → None
Handlers = Mapping[type[Account.Event], Handler]  # keyed by the class itself: Account.X


def dispatch(doc: Document | None, event: Any, opened: Callable[[Account.Opened], Document],
             handlers: Handlers) -> Document | None:
    """One step of an account fold: the account's first event makes the document; any
    other event goes to the view's handler for its class, if the view has one (the classes
    a view has none for are named in its ``IGNORED``; a test holds every class to one)."""
    if type(event) is Account.Opened:
        return opened(event)
    handler = handlers.get(type(event))
    if doc is not None and handler is not None:
        handler(doc, event)
    return doc


class View(Projection[ViewRecorder]):
    """A projection whose rows and tracking position are written in one transaction."""

    tables: ClassVar[dict[str, str]] = {}  # table name → CREATE TABLE statement
    indexes: ClassVar[list[str]] = []
    shape: ClassVar[int] = 1  # bump when rows written by older code no longer fit

    def __init__(self, view: ViewRecorder) -> None:
        super().__init__(view)
        with view.writing() as cursor:
            cursor.execute(quarantine.CREATE_TABLE)
            cursor.execute(quarantine.CREATE_INDEX)
            self._drop_if_reshaped(cursor)
            for statement in [*self.tables.values(), *self.indexes]:
                cursor.execute(statement)
            if cursor.postgres:
                self._prepare_postgres(cursor)

    @classmethod
    def follows(cls, event: Any) -> bool:
        """Whether this view applies this event: the accounts' events, by default (users'
        and idempotency keys' are not theirs); a row that does not decode, if it was one."""
        if isinstance(event, Undecodable):
            return event.is_account_event
        return isinstance(event, Account.Event)

    def _prepare_postgres(self, cursor: ViewCursor) -> None:
        """PostgreSQL-only settings of the view's tables (none by default)."""

    def _drop_if_reshaped(self, cursor: ViewCursor) -> None:
        """Tables of an older shape are dropped (made again with this shape's columns) and
        the position forgotten: the view builds again from the log, in the same transaction
        that records the new shape."""
        cursor.execute("CREATE TABLE IF NOT EXISTS view_shapes "
                       "(view_name TEXT PRIMARY KEY, shape INTEGER NOT NULL)")
        cursor.execute("SELECT shape FROM view_shapes WHERE view_name = ?", (self.name,))
        found = cursor.fetchone()
        if found is not None and found[0] == self.shape:
            return
        if found is not None:
            for table in self.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"DELETE FROM {self.view.tracking_table_name}")
            quarantine.forget(cursor, self.name)
        cursor.execute("INSERT INTO view_shapes (view_name, shape) VALUES (?, ?) "
                       "ON CONFLICT (view_name) DO UPDATE SET shape = excluded.shape",
                       (self.name, self.shape))

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.process_batch([domain_event], tracking)

    def process_batch(self, events: Sequence[Any], tracking: Tracking) -> None:
        """Apply events (in notification order) and record the last position, atomically.

        Raises CannotApply when the events themselves cannot be applied (nothing is
        written); a database that does not answer raises as it is, to be retried."""
        with self.view.writing() as cursor:
            try:
                self.apply(cursor, events)
            except (*TRANSIENT, CannotApply):
                raise
            except Exception as exc:
                raise CannotApply(exc) from exc
            self.view.track(cursor, tracking)

    def quarantine(self, event: Any, tracking: Tracking, error: str) -> None:
        """Keep an event this view cannot apply aside and move past it, atomically."""
        quarantine.quarantine(self.view, self.name, tracking, event, error)

    @abstractmethod
    def apply(self, cursor: ViewCursor, events: Sequence[Any]) -> None:
        """Write what these events change."""

    def drop(self, application_name: str) -> None:
        """Empty the view and forget its position, so it can be built again from the log."""
        with self.view.writing() as cursor:
            for table in self.tables:
                cursor.execute(f"DELETE FROM {table}")
            quarantine.forget(cursor, self.name)
            self.view.forget_position(cursor, application_name)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, ordered: for comparing live and rebuilt views."""
        with self.view.reading() as cursor:
            tables = {}
            for table in self.tables:
                cursor.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
                tables[table] = cursor.fetchall()
            return tables


class AccountDocumentView(View):
    """One JSON document per account, folded from the account's events; with
    ``checkpoint_every``, also a copy of it every so many versions of the account, from
    which "as of" starts (see projections.asof)."""

    table: ClassVar[str]
    columns: ClassVar[dict[str, str]] = {}  # extra query columns → SQL type
    checkpoint_every: ClassVar[int] = 0  # 0: no checkpoints

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "table" in cls.__dict__:
            extra = "".join(f", {name} {kind}" for name, kind in cls.columns.items())
            checkpoints = {cls.checkpoints_table(): (
                f"CREATE TABLE IF NOT EXISTS {cls.checkpoints_table()} "
                "(account_id TEXT NOT NULL, version INTEGER NOT NULL, "
                "recorded_utc TEXT NOT NULL, document TEXT NOT NULL, "
                "PRIMARY KEY (account_id, version))")} if cls.checkpoint_every else {}
            cls.tables = {
                cls.table: f"CREATE TABLE IF NOT EXISTS {cls.table} "
                f"(account_id TEXT PRIMARY KEY, document TEXT NOT NULL{extra})",
                **checkpoints,
                **cls.tables,
            }

    @classmethod
    def checkpoints_table(cls) -> str:
        return f"{cls.table}_checkpoints"

    def _prepare_postgres(self, cursor: ViewCursor) -> None:
        """Documents are rewritten on every event: PostgreSQL keeps them uncompressed, so a
        rewrite does not compress 40–60 KB of JSON again (checkpoints, written once each,
        stay compressed). PostgreSQL 15 cannot say so in CREATE TABLE; asked first, so a
        restart takes no table lock."""
        cursor.execute("SELECT attstorage FROM pg_attribute "
                       "WHERE attrelid = ?::regclass AND attname = 'document'", (self.table,))
        found = cursor.fetchone()
        if found is not None and found[0] != "e":
            cursor.execute(f"ALTER TABLE {self.table} ALTER COLUMN document SET STORAGE EXTERNAL")

    @staticmethod
    @abstractmethod
    def evolve(doc: Document | None, event: Any) -> Document | None:
        """The document after this event (None until the account is opened)."""

    def column_values(self, document: Document) -> tuple[Any, ...]:
        return tuple(document.get(name) for name in self.columns)

    @classmethod
    def fold(cls, events: Iterable[Any]) -> Document | None:
        document: Document | None = None
        for event in events:
            document = cls.evolve(document, event)
        return document

    def apply(self, cursor: ViewCursor, events: Sequence[Any]) -> None:
        """Each account's events in order, a few accounts at a time: a document depends only
        on its own account's events, so memory holds DOCUMENTS_IN_MEMORY documents however
        many accounts a batch touches."""
        by_account: dict[str, list[Any]] = {}
        for event in events:
            by_account.setdefault(account_key(event), []).append(event)
        keys = list(by_account)
        for start in range(0, len(keys), DOCUMENTS_IN_MEMORY):
            documents = self.load_many(cursor, keys[start:start + DOCUMENTS_IN_MEMORY])
            checkpoints = []
            for key, document in documents.items():
                for event in by_account[key]:
                    self.before(cursor, event, document)
                    document = self.evolve(document, event)
                    self.after(cursor, event, document)
                    version = event.originator_version
                    if self.checkpoint_every and version % self.checkpoint_every == 0 \
                            and document:
                        checkpoints.append((key, version, utc_key(event.timestamp),
                                            to_json(document)))
                documents[key] = document
            self.store_many(cursor, {k: d for k, d in documents.items() if d is not None})
            cursor.executemany(
                f"INSERT INTO {self.checkpoints_table()} (account_id, version, recorded_utc, "
                "document) VALUES (?, ?, ?, ?)", checkpoints)

    def before(self, cursor: ViewCursor, event: Any, document: Document | None) -> None:
        """A hook for rows kept beside the document, given the document before the event."""

    def after(self, cursor: ViewCursor, event: Any, document: Document | None) -> None:
        """A hook for rows kept beside the document, given the document after the event."""

    def load_many(self, cursor: ViewCursor, keys: list[str]) -> dict[str, Document | None]:
        found: dict[str, Document | None] = dict.fromkeys(keys)
        for account_id, document in cursor.rows_for_accounts(
                f"SELECT account_id, document FROM {self.table}", keys):
            found[account_id] = from_json(document)
        return found

    def store_many(self, cursor: ViewCursor, documents: dict[str, Document]) -> None:
        names = ["account_id", "document", *self.columns]
        updates = ", ".join(f"{n} = excluded.{n}" for n in names[1:])
        cursor.executemany(
            f"INSERT INTO {self.table} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' * len(names))}) "
            f"ON CONFLICT (account_id) DO UPDATE SET {updates}",
            [(key, to_json(doc), *self.column_values(doc)) for key, doc in documents.items()],
        )

    def document(self, account_id: str) -> Document | None:
        with self.view.reading() as cursor:
            return self.load_many(cursor, [account_id])[account_id]

    def checkpoint(self, account_id: str, recorded_utc: str) -> tuple[int, Document | None,
                                                                      int | None]:
        """The last checkpoint recorded by that instant (version 0 and no document if none),
        and the version of the checkpoint after it, if there is one."""
        with self.view.reading() as cursor:
            cursor.execute(
                f"SELECT version, document FROM {self.checkpoints_table()} "
                "WHERE account_id = ? AND recorded_utc <= ? ORDER BY version DESC LIMIT 1",
                (account_id, recorded_utc),
            )
            row = cursor.fetchone()
            version, document = (row[0], from_json(row[1])) if row else (0, None)
            cursor.execute(
                f"SELECT MIN(version) FROM {self.checkpoints_table()} "
                "WHERE account_id = ? AND version > ?",
                (account_id, version),
            )
            following = cursor.fetchone()
        return version, document, following[0] if following else None

    def checkpoint_at(self, account_id: str, version: int) -> Document | None:
        with self.view.reading() as cursor:
            cursor.execute(
                f"SELECT document FROM {self.checkpoints_table()} "
                "WHERE account_id = ? AND version = ?",
                (account_id, version),
            )
            row = cursor.fetchone()
        return None if row is None else from_json(row[0])
