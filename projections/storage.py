"""Where views live: eventsourcing's tracking recorders, extended with view tables.

A view writes its rows and its tracking position through one `ViewCursor` in one
transaction, so an event is applied to a view exactly once or not at all. Each view has
its own tracking table (``<view>_tracking``), so views advance, fail and rebuild alone.
SQL is written once with ``?`` placeholders; the cursor adapts it to each driver.

A batch read after a position (`BatchTracking`) is recorded only if the view's stored
position is still that one: the tracking row is compared and set inside the view
transaction, so two projectors on one store can never both apply the same events — the
second one's transaction raises `PositionMoved` and rolls back whole.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import (
    InfrastructureFactory,
    IntegrityError,
    InterfaceError,
    OperationalError,
    Tracking,
    TrackingRecorder,
)
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import (
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteTrackingRecorder,
    SQLiteTransaction,
)
from eventsourcing.utils import Environment, retry
from psycopg import sql
from psycopg.rows import tuple_row

Row = tuple[Any, ...]
_PLACEHOLDER = re.compile(r"\?")


@dataclass(frozen=True)
class BatchTracking(Tracking):
    """The position a batch reaches (``notification_id``) and the position it was read
    after: the view takes the batch only if its stored position is still ``after``."""

    after: int


class PositionMoved(IntegrityError):
    """The view's stored position is not the one the batch was read after: another
    projector applied events meanwhile (or the view was rebuilt). Nothing was written."""

    def __init__(self, view: str, expected: int, stored: int) -> None:
        super().__init__(f"{view}: the batch was read after {expected}, "
                         f"but the view's stored position is {stored}")
        self.view, self.expected, self.stored = view, expected, stored


class ViewCursor:
    """A cursor over one view transaction, the same for SQLite and PostgreSQL."""

    def __init__(self, raw: Any, *, postgres: bool) -> None:
        self._raw = raw
        self._postgres = postgres

    def _sql(self, statement: str) -> str:
        return _PLACEHOLDER.sub("%s", statement) if self._postgres else statement

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        if self._postgres:
            self._raw.execute(self._sql(statement), tuple(params), prepare=True)
        else:
            self._raw.execute(statement, tuple(params))

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._raw.executemany(self._sql(statement), [tuple(r) for r in rows])

    def rows_for_accounts(self, select: str, account_ids: Sequence[str]) -> list[Row]:
        """``select`` (ending in FROM a table) for these accounts, 500 ids a statement."""
        rows: list[Row] = []
        for start in range(0, len(account_ids), 500):
            chunk = account_ids[start:start + 500]
            self.execute(f"{select} WHERE account_id IN ({','.join('?' * len(chunk))})", chunk)
            rows += self.fetchall()
        return rows

    def fetchall(self) -> list[Row]:
        return [self._row(r) for r in self._raw.fetchall()]

    def fetchone(self) -> Row | None:
        row = self._raw.fetchone()
        return None if row is None else self._row(row)

    def _row(self, row: Any) -> Row:
        return tuple(row.values()) if isinstance(row, dict) else tuple(row)

    @property
    def raw(self) -> Any:
        return self._raw

    @property
    def postgres(self) -> bool:
        return self._postgres


_open_readings = threading.local()  # per thread: datastore id → the reading open on it


class ViewRecorder(TrackingRecorder, ABC):
    """A tracking recorder whose transactions also write a view's tables."""

    tracking_table_name: str

    @contextmanager
    def reading(self) -> Iterator[ViewCursor]:
        """A transaction that reads view rows and commits nothing. Inside another reading
        of the same datastore (the views of a process share one) on this thread, that one:
        a read across several views costs one transaction, not one per view."""
        readings: dict[int, ViewCursor] = _open_readings.__dict__.setdefault("by_store", {})
        key = id(self.datastore)  # type: ignore[attr-defined]
        if key in readings:
            yield readings[key]
            return
        with self._read_transaction() as cursor:
            readings[key] = cursor
            try:
                yield cursor
            finally:
                del readings[key]

    @abstractmethod
    def _read_transaction(self) -> Any:
        """A context manager: one transaction that commits nothing."""

    @property
    def view_name(self) -> str:
        return self.tracking_table_name.removesuffix("_tracking")

    @abstractmethod
    def writing(self) -> Any:
        """A context manager: one committed transaction for view rows and tracking."""

    def track(self, cursor: ViewCursor, tracking: Tracking) -> None:
        """Record the position inside the view transaction: a `BatchTracking` only if the
        stored position is still the one its batch was read after (else `PositionMoved`);
        a plain `Tracking`, as eventsourcing does, only beyond the stored position."""
        if not isinstance(tracking, BatchTracking):
            self._insert_tracking(cursor.raw, tracking)  # type: ignore[attr-defined]
            return
        stored = self.locked_position(cursor, tracking.application_name)
        if stored != tracking.after or tracking.notification_id <= stored:
            raise PositionMoved(self.view_name, tracking.after, stored)
        cursor.execute(
            f"INSERT INTO {self.tracking_table_name} (application_name, notification_id) "
            "VALUES (?, ?) ON CONFLICT (application_name) DO UPDATE "
            f"SET notification_id = excluded.notification_id "
            f"WHERE {self.tracking_table_name}.notification_id = ? RETURNING notification_id",
            (tracking.application_name, tracking.notification_id, tracking.after),
        )
        if cursor.fetchone() is None:  # a first row inserted by another projector meanwhile
            raise PositionMoved(self.view_name, tracking.after,
                                self.locked_position(cursor, tracking.application_name))

    @abstractmethod
    def locked_position(self, cursor: ViewCursor, application_name: str) -> int:
        """The stored position (0 if none), read so that no other transaction can change
        it before this one ends."""

    def forget_position(self, cursor: ViewCursor, application_name: str) -> None:
        cursor.execute(
            f"DELETE FROM {self.tracking_table_name} WHERE application_name = ?",
            (application_name,),
        )


class SQLiteViewRecorder(SQLiteTrackingRecorder, ViewRecorder):
    def __init__(self, datastore: SQLiteDatastore, *, tracking_table_name: str) -> None:
        self.tracking_table_name = tracking_table_name
        super().__init__(datastore)
        table = tracking_table_name
        self.insert_tracking_statement = (
            f"INSERT INTO {table} VALUES (:application_name, :notification_id) "
            "ON CONFLICT (application_name) DO UPDATE "
            "SET notification_id = :notification_id "
            f"WHERE {table}.notification_id < :notification_id "
            "RETURNING notification_id"
        )
        self.select_max_tracking_id_statement = (
            f"SELECT MAX(notification_id) FROM {table} WHERE application_name=?"
        )

    def construct_create_table_statements(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self.tracking_table_name} ("
            "application_name TEXT, notification_id INTEGER, "
            "PRIMARY KEY (application_name)) WITHOUT ROWID"
        ]

    @contextmanager
    def writing(self) -> Iterator[ViewCursor]:
        with self.datastore.get_connection(commit=True) as connection, \
                WriteTransaction(connection, commit=True) as curs, curs:
            yield ViewCursor(curs, postgres=False)

    @contextmanager
    def _read_transaction(self) -> Iterator[ViewCursor]:
        with self.datastore.transaction(commit=False) as curs:
            yield ViewCursor(curs, postgres=False)

    def locked_position(self, cursor: ViewCursor, application_name: str) -> int:
        """In a `WriteTransaction` SQLite's write lock is already held: nobody else writes."""
        cursor.execute(self.select_max_tracking_id_statement, (application_name,))
        found = cursor.fetchone()
        return int(found[0]) if found and found[0] is not None else 0


class WriteTransaction(SQLiteTransaction):
    """A view transaction that takes SQLite's write lock as it begins (BEGIN IMMEDIATE),
    waiting for it in SQLite's busy handler (up to the connection's lock timeout). A
    deferred transaction reads first and asks for the lock at its first write: if the
    application committed in between, SQLite refuses at once ("database is locked"), and
    under a writer that commits back to back a view was refused again and again."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            cursor.sqlite_cursor.close()
            raise OperationalError(exc) from exc
        return cursor


class PostgresViewRecorder(PostgresTrackingRecorder, ViewRecorder):
    # One retry, not ten, when the database is down: readers answer 503 instead of hanging.
    max_tracking_id = retry((InterfaceError, OperationalError), max_attempts=2, wait=0.2)(
        PostgresTrackingRecorder.max_tracking_id.__wrapped__)

    def __init__(self, datastore: PostgresDatastore, *, tracking_table_name: str) -> None:
        super().__init__(datastore, tracking_table_name=tracking_table_name)

    @contextmanager
    def writing(self) -> Iterator[ViewCursor]:
        with self.datastore.transaction(commit=True) as curs:
            self._use_schema(curs)
            yield ViewCursor(curs, postgres=True)

    @contextmanager
    def _read_transaction(self) -> Iterator[ViewCursor]:
        with self.datastore.transaction(commit=False) as curs:
            self._use_schema(curs)
            yield ViewCursor(curs, postgres=True)

    def _use_schema(self, curs: Any) -> None:
        curs.row_factory = tuple_row  # a view reads rows as tuples: no dict made per row
        curs.execute(
            sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(self.datastore.schema))
        )

    def locked_position(self, cursor: ViewCursor, application_name: str) -> int:
        """The tracking row locked (FOR UPDATE) until this transaction ends; a projector
        that reaches it second waits, then reads the position the first one committed."""
        cursor.execute(f"SELECT notification_id FROM {self.tracking_table_name} "
                       "WHERE application_name = ? FOR UPDATE", (application_name,))
        found = cursor.fetchone()
        return int(found[0]) if found and found[0] is not None else 0


def open_view_datastore(env: dict[str, str]) -> InfrastructureFactory[Any]:
    """One infrastructure factory (one connection pool) for all the views of a process."""
    return InfrastructureFactory.construct(Environment("views", env))


def view_recorder(factory: InfrastructureFactory[Any], view_name: str) -> ViewRecorder:
    datastore = factory.datastore  # type: ignore[attr-defined]
    recorder: ViewRecorder
    if isinstance(datastore, PostgresDatastore):
        recorder = PostgresViewRecorder(datastore, tracking_table_name=f"{view_name}_tracking")
    else:
        recorder = SQLiteViewRecorder(datastore, tracking_table_name=f"{view_name}_tracking")
    recorder.create_table()
    return recorder
