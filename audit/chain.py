"""Hash-chained application recorders: every stored event carries two links.

- ``chain_hash``: SHA-256 over the previous event's chain hash *of the same aggregate* and
  this event's canonical content (originator id, version, topic, state bytes — and so its
  timestamp, which lives in the state). Changing, removing or reordering an event of an
  account breaks its account's chain at that point.
- ``log_hash``: SHA-256 over the previous row's log hash *in notification order* and this
  row's chain hash: one chain over the whole store. Its head, published elsewhere
  (``tsunagi digest``), also catches an attacker who recomputes every hash.

The links are computed inside the insert transaction, after the table lock, so the
previous rows are exactly the ones before: on SQLite in Python under the write lock; on
PostgreSQL in a database function (the same SHA-256 framing, checked against this module
by the audit tests) called as one statement, so the lock is never held across a round trip.
These recorders subclass eventsourcing's SQLite and PostgreSQL application recorders and
pass the library's ApplicationRecorderTestCase and NonInterleavingNotificationIDsBaseCase.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

GENESIS = bytes(32)


def _framed(*parts: bytes) -> bytes:
    return b"".join(len(p).to_bytes(8, "big") + p for p in parts)


def event_hash(originator_id: UUID | str, version: int, topic: str, state: bytes) -> bytes:
    """The canonical content of one stored event."""
    return hashlib.sha256(_framed(b"tsunagi-event-v1", str(originator_id).encode(),
                                  str(version).encode(), topic.encode(), bytes(state))).digest()


def chain_link(previous: bytes, content: bytes) -> bytes:
    return hashlib.sha256(_framed(b"account-chain", previous, content)).digest()


def log_link(previous: bytes, chain_hash: bytes) -> bytes:
    return hashlib.sha256(_framed(b"store-log", previous, chain_hash)).digest()


@dataclass(frozen=True)
class ChainedRow:
    """A stored event as the audit sees it: content plus both links."""

    notification_id: int
    originator_id: UUID | str
    originator_version: int
    topic: str
    state: bytes
    chain_hash: bytes | None
    log_hash: bytes | None
    neighbours: Neighbours | None = None


@dataclass(frozen=True)
class LogLink:
    """A row's place in the store-wide log, without its content."""

    notification_id: int
    originator_id: UUID | str
    originator_version: int
    chain_hash: bytes | None
    log_hash: bytes | None


@dataclass(frozen=True)
class Neighbours:
    """The rows stored just before and just after a row, in notification order."""

    previous: LogLink | None
    next: LogLink | None


@dataclass(frozen=True)
class VersionGap:
    """An aggregate's row whose previous version is not stored: the versions in between,
    and the place of the last version before them (None when there is none)."""

    after: LogLink
    previous_version: int
    previous_notification_id: int | None

    @property
    def missing_versions(self) -> int:
        return self.after.originator_version - self.previous_version - 1


def link(stored_events: Sequence[StoredEvent], heads: dict[str, bytes],
         last_log: bytes) -> list[tuple[bytes, bytes]]:
    """The (chain_hash, log_hash) of each new event, in insert order."""
    links = []
    for event in stored_events:
        key = str(event.originator_id)
        chain = chain_link(heads.get(key, GENESIS), event_hash(
            event.originator_id, event.originator_version, event.topic, event.state))
        heads[key] = chain
        last_log = log_link(last_log, chain)
        links.append((chain, last_log))
    return links


class ChainedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        table = self.events_table_name
        self.insert_events_statement = (
            f"INSERT INTO {table} (originator_id, originator_version, topic, state, "
            "chain_hash, log_hash) VALUES (?,?,?,?,?,?)"
        )

    def construct_create_table_statements(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self.events_table_name} ("
            "originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
            "chain_hash BLOB, log_hash BLOB, "
            "PRIMARY KEY (originator_id, originator_version))"
        ]

    def _create_table(self, c: Any) -> None:
        super()._create_table(c)
        c.execute(f"PRAGMA table_info({self.events_table_name})")
        columns = {row[1] for row in c.fetchall()}
        for column in ("chain_hash", "log_hash"):
            if column not in columns:
                c.execute(f"ALTER TABLE {self.events_table_name} ADD COLUMN {column} BLOB")

    def has_unchained(self) -> bool:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT 1 FROM {self.events_table_name} WHERE chain_hash IS NULL LIMIT 1")
            return c.fetchone() is not None

    def update_links(self, rows: Sequence[tuple[int, bytes, bytes]]) -> None:
        """Write (notification id, chain hash, log hash): only for sealing old rows."""
        with self.datastore.transaction(commit=True) as c:
            c.executemany(f"UPDATE {self.events_table_name} SET chain_hash = ?, log_hash = ? "
                          "WHERE rowid = ?", [(ch, lg, n) for n, ch, lg in rows])

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent],
                       **_: Any) -> Sequence[int] | None:
        # Take SQLite's write lock before reading the chain heads: a deferred transaction
        # that reads first cannot wait for the lock later (its snapshot may be stale).
        c.execute(f"UPDATE {self.events_table_name} SET topic = topic WHERE 0")
        heads: dict[str, bytes] = {}
        for originator_id in {e.originator_id for e in stored_events}:
            c.execute(f"SELECT chain_hash FROM {self.events_table_name} WHERE originator_id=? "
                      "ORDER BY originator_version DESC LIMIT 1", (_sqlite_id(originator_id),))
            row = c.fetchone()
            if row is not None and row[0] is not None:
                heads[str(originator_id)] = bytes(row[0])
        c.execute(f"SELECT log_hash FROM {self.events_table_name} "
                  "ORDER BY rowid DESC LIMIT 1")
        last = c.fetchone()
        last_log = bytes(last[0]) if last is not None and last[0] is not None else GENESIS
        returning = []
        for event, (chain, log) in zip(stored_events, link(stored_events, heads, last_log),
                                       strict=True):
            c.execute(self.insert_events_statement, (
                _sqlite_id(event.originator_id), event.originator_version, event.topic,
                event.state, chain, log))
            returning.append(c.lastrowid)
        return returning

    def select_chained(self, *, after: int = 0, limit: int = 500,
                       originator_id: UUID | str | None = None,
                       neighbours: bool = False) -> list[ChainedRow]:
        """Rows in notification order (or one aggregate's, in version order, with the rows
        stored just before and after each when ``neighbours``)."""
        table = self.events_table_name
        columns = ("r.rowid, r.originator_id, r.originator_version, r.topic, r.state, "
                   "r.chain_hash, r.log_hash")
        if originator_id is None:
            statement = (f"SELECT {columns} FROM {table} AS r WHERE r.rowid > ? "
                         "ORDER BY r.rowid LIMIT ?")
            params: tuple[Any, ...] = (after, limit)
        elif not neighbours:
            statement = (f"SELECT {columns} FROM {table} AS r WHERE r.originator_id = ? "
                         "AND r.originator_version > ? ORDER BY r.originator_version LIMIT ?")
            params = (_sqlite_id(originator_id), after, limit)
        else:
            statement = (
                f"SELECT {columns}, {_LINK_COLUMNS.format(a='p')}, "
                f"{_LINK_COLUMNS.format(a='n')} FROM {table} AS r "
                f"LEFT JOIN {table} AS p ON p.rowid = "
                f"(SELECT max(rowid) FROM {table} WHERE rowid < r.rowid) "
                f"LEFT JOIN {table} AS n ON n.rowid = "
                f"(SELECT min(rowid) FROM {table} WHERE rowid > r.rowid) "
                "WHERE r.originator_id = ? AND r.originator_version > ? "
                "ORDER BY r.originator_version LIMIT ?")
            params = (_sqlite_id(originator_id), after, limit)
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, params)
            return [ChainedRow(r[0], self._originator(r[1]), r[2], r[3],
                               _bytes(r[4]) or b"", _bytes(r[5]), _bytes(r[6]),
                               Neighbours(self._link(r[7:12]), self._link(r[12:17]))
                               if neighbours and originator_id is not None else None)
                    for r in c.fetchall()]

    def first_events(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """The first stored event of each of these aggregates that has one (an import asks
        which of its rows were recorded before: one statement per 500 ids)."""
        found: list[StoredEvent] = []
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(originator_ids), 500):
                chunk = [_sqlite_id(i) for i in originator_ids[start:start + 500]]
                c.execute(f"SELECT originator_id, originator_version, topic, state "
                          f"FROM {self.events_table_name} WHERE originator_version = 1 "
                          f"AND originator_id IN ({','.join('?' * len(chunk))})", chunk)
                found += [StoredEvent(originator_id=self._originator(r[0]),
                                      originator_version=r[1], topic=r[2],
                                      state=_bytes(r[3]) or b"") for r in c.fetchall()]
        return found

    def select_links(self, *, after: int = 0, limit: int = 500) -> list[LogLink]:
        """The log's links in notification order, without the rows' content."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT {_LINK_COLUMNS.format(a='r')} FROM {self.events_table_name} "
                      "AS r WHERE r.rowid > ? ORDER BY r.rowid LIMIT ?", (after, limit))
            return [link for r in c.fetchall() if (link := self._link(tuple(r))) is not None]

    def version_gaps(self, *, after: int = 0, limit: int = 1000) -> list[VersionGap]:
        """Rows stored after ``after`` whose aggregate's previous version is not stored."""
        table = self.events_table_name
        earlier = (f"FROM {table} AS e WHERE e.originator_id = r.originator_id "
                   "AND e.originator_version < r.originator_version")
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT {_LINK_COLUMNS.format(a='r')}, "
                f"(SELECT max(e.originator_version) {earlier}), "
                f"(SELECT e.rowid {earlier} ORDER BY e.originator_version DESC LIMIT 1) "
                f"FROM {table} AS r WHERE r.rowid > ? AND r.originator_version > 1 "
                f"AND NOT EXISTS (SELECT 1 FROM {table} AS e WHERE "
                "e.originator_id = r.originator_id AND "
                "e.originator_version = r.originator_version - 1) "
                "ORDER BY r.rowid LIMIT ?", (after, limit))
            return [VersionGap(link, r[5] or 0, r[6]) for r in c.fetchall()
                    if (link := self._link(tuple(r[:5]))) is not None]

    def _originator(self, value: Any) -> UUID | str:
        """The aggregate id as the library reads it; as stored when it no longer parses."""
        try:
            return self.convert_originator_id(value)
        except (ValueError, TypeError, AttributeError):
            return str(value)

    def _link(self, r: Sequence[Any]) -> LogLink | None:
        if r[0] is None:
            return None
        return LogLink(r[0], self._originator(r[1]), r[2], _bytes(r[3]), _bytes(r[4]))

    def head(self) -> tuple[int, bytes] | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT rowid, log_hash FROM {self.events_table_name} "
                      "ORDER BY rowid DESC LIMIT 1")
            row = c.fetchone()
        return None if row is None else (row[0], bytes(row[1]))


class ChainedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *,
                 events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        names = {"schema": Identifier(self.datastore.schema),
                 "table": Identifier(self.events_table_name)}
        self.sql_create_statements.append(SQL(
            "ALTER TABLE {schema}.{table} ADD COLUMN IF NOT EXISTS chain_hash bytea, "
            "ADD COLUMN IF NOT EXISTS log_hash bytea").format(**names))
        id_type = "uuid" if self.datastore.originator_id_type == "uuid" else "text"
        # The whole chained insert as one statement, committed on its own: the table lock
        # is taken and released inside the server, never held across a round trip.
        self.insert_function = f"{self.events_table_name}_insert_chained"
        self.sql_create_statements.append(SQL(
            "CREATE OR REPLACE FUNCTION {schema}.{function}(ids " + id_type + "[], "
            "versions bigint[], topics text[], states bytea[], contents bytea[]) "
            "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ "
            "DECLARE "
            "  genesis CONSTANT bytea := decode(repeat('00', 32), 'hex'); "
            "  previous_log bytea; previous_chain bytea; chain bytea; inserted bigint; "
            "BEGIN "
            "  SET LOCAL lock_timeout = '" + str(self.datastore.lock_timeout) + "s'; "
            "  LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
            "  NOTIFY {channel}; "
            "  SELECT log_hash INTO previous_log FROM {schema}.{table} "
            "    ORDER BY notification_id DESC LIMIT 1; "
            "  previous_log := COALESCE(previous_log, genesis); "
            "  FOR i IN 1 .. cardinality(ids) LOOP "
            "    SELECT chain_hash INTO previous_chain FROM {schema}.{table} "
            "      WHERE originator_id = ids[i] ORDER BY originator_version DESC LIMIT 1; "
            "    previous_chain := COALESCE(previous_chain, genesis); "
            "    chain := sha256(int8send(13) || 'account-chain'::bytea "
            "      || int8send(octet_length(previous_chain)::bigint) || previous_chain "
            "      || int8send(octet_length(contents[i])::bigint) || contents[i]); "
            "    previous_log := sha256(int8send(9) || 'store-log'::bytea "
            "      || int8send(octet_length(previous_log)::bigint) || previous_log "
            "      || int8send(octet_length(chain)::bigint) || chain); "
            "    INSERT INTO {schema}.{table} (originator_id, originator_version, topic, "
            "      state, chain_hash, log_hash) VALUES (ids[i], versions[i], topics[i], "
            "      states[i], chain, previous_log) RETURNING notification_id INTO inserted; "
            "    RETURN NEXT inserted; "
            "  END LOOP; "
            "END; $BODY$"
        ).format(function=Identifier(self.insert_function),
                 channel=Identifier(self.channel_name), **names))
        self.insert_chained = SQL(
            "SELECT notification_id FROM {schema}.{function}(%s, %s, %s, %s, %s) "
            "AS inserted(notification_id)"
        ).format(function=Identifier(self.insert_function), **names)
        self.last_log = SQL(
            "SELECT log_hash FROM {schema}.{table} ORDER BY notification_id DESC LIMIT 1"
        ).format(**names)
        self.select_log = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state, "
            "chain_hash, log_hash FROM {schema}.{table} WHERE notification_id > %s "
            "ORDER BY notification_id LIMIT %s").format(**names)
        self.select_account = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state, "
            "chain_hash, log_hash FROM {schema}.{table} WHERE originator_id = %s "
            "AND originator_version > %s ORDER BY originator_version LIMIT %s").format(**names)
        self.select_account_with_neighbours = SQL(
            "SELECT r.notification_id, r.originator_id, r.originator_version, r.topic, "
            "r.state, r.chain_hash, r.log_hash, " + _PG_LINK_COLUMNS.format(a="p") + ", "
            + _PG_LINK_COLUMNS.format(a="n") + " FROM {schema}.{table} AS r "
            "LEFT JOIN {schema}.{table} AS p ON p.notification_id = (SELECT "
            "max(notification_id) FROM {schema}.{table} WHERE notification_id < "
            "r.notification_id) "
            "LEFT JOIN {schema}.{table} AS n ON n.notification_id = (SELECT "
            "min(notification_id) FROM {schema}.{table} WHERE notification_id > "
            "r.notification_id) "
            "WHERE r.originator_id = %s AND r.originator_version > %s "
            "ORDER BY r.originator_version LIMIT %s").format(**names)
        self.select_links_statement = SQL(
            "SELECT " + _PG_LINK_COLUMNS.format(a="r") + " FROM {schema}.{table} AS r "
            "WHERE r.notification_id > %s ORDER BY r.notification_id LIMIT %s").format(**names)
        earlier = ("FROM {schema}.{table} AS e WHERE e.originator_id = r.originator_id "
                   "AND e.originator_version < r.originator_version")
        self.select_version_gaps = SQL(
            "SELECT " + _PG_LINK_COLUMNS.format(a="r") + ", "
            "(SELECT max(e.originator_version) " + earlier + ") AS previous_version, "
            "(SELECT e.notification_id " + earlier + " ORDER BY e.originator_version DESC "
            "LIMIT 1) AS previous_notification_id "
            "FROM {schema}.{table} AS r WHERE r.notification_id > %s "
            "AND r.originator_version > 1 AND NOT EXISTS (SELECT 1 FROM {schema}.{table} "
            "AS e WHERE e.originator_id = r.originator_id "
            "AND e.originator_version = r.originator_version - 1) "
            "ORDER BY r.notification_id LIMIT %s").format(**names)

    def has_unchained(self) -> bool:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT 1 FROM {}.{} WHERE chain_hash IS NULL LIMIT 1").format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name)))
            return curs.fetchone() is not None

    def update_links(self, rows: Sequence[tuple[int, bytes, bytes]]) -> None:
        """Write (notification id, chain hash, log hash): only for sealing old rows."""
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            curs.executemany(SQL("UPDATE {}.{} SET chain_hash = %s, log_hash = %s "
                                 "WHERE notification_id = %s").format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name)),
                [(ch, lg, n) for n, ch, lg in rows])

    # Fail fast when the database is down (see audit.factories): one retry, not ten.
    select_events = retry((InterfaceError, OperationalError), max_attempts=2, wait=0.2)(
        PostgresApplicationRecorder.select_events.__wrapped__)
    select_notifications = retry((InterfaceError, OperationalError), max_attempts=2, wait=0.2)(
        PostgresApplicationRecorder.select_notifications.__wrapped__)
    max_notification_id = retry((InterfaceError, OperationalError), max_attempts=2, wait=0.2)(
        PostgresApplicationRecorder.max_notification_id.__wrapped__)

    @retry((InterfaceError, OperationalError), max_attempts=2, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        contents = [event_hash(e.originator_id, e.originator_version, e.topic, e.state)
                    for e in stored_events]
        with self.inserting() as conn:
            rows = conn.execute(self.insert_chained, (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
                contents,
            ), prepare=True).fetchall()
        return [row["notification_id"] for row in rows]

    @contextmanager
    def inserting(self) -> Iterator[Any]:
        """A connection on which one statement is one transaction, committed in the server
        (eventsourcing's pool hands out autocommit connections)."""
        with self.datastore.get_connection() as conn:
            if not conn.autocommit:
                raise RuntimeError("the chained insert needs an autocommit connection")
            yield conn

    def select_chained(self, *, after: int = 0, limit: int = 500,
                       originator_id: UUID | str | None = None,
                       neighbours: bool = False) -> list[ChainedRow]:
        with self.datastore.transaction(commit=False) as curs:
            if originator_id is None:
                curs.execute(self.select_log, (after, limit))
            elif neighbours:
                curs.execute(self.select_account_with_neighbours, (originator_id, after, limit))
            else:
                curs.execute(self.select_account, (originator_id, after, limit))
            return [ChainedRow(r["notification_id"], r["originator_id"],
                               r["originator_version"], r["topic"], bytes(r["state"]),
                               _bytes(r["chain_hash"]), _bytes(r["log_hash"]),
                               Neighbours(_pg_link(r, "p"), _pg_link(r, "n"))
                               if neighbours and originator_id is not None else None)
                    for r in curs.fetchall()]

    def first_events(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """The first stored event of each of these aggregates that has one."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT originator_id, originator_version, topic, state "
                             "FROM {}.{} WHERE originator_version = 1 "
                             "AND originator_id = ANY(%s)").format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name)),
                (list(originator_ids),))
            return [StoredEvent(originator_id=r["originator_id"],
                                originator_version=r["originator_version"], topic=r["topic"],
                                state=bytes(r["state"])) for r in curs.fetchall()]

    def select_links(self, *, after: int = 0, limit: int = 500) -> list[LogLink]:
        """The log's links in notification order, without the rows' content."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_links_statement, (after, limit))
            return [link for r in curs.fetchall() if (link := _pg_link(r, "r")) is not None]

    def version_gaps(self, *, after: int = 0, limit: int = 1000) -> list[VersionGap]:
        """Rows stored after ``after`` whose aggregate's previous version is not stored."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_version_gaps, (after, limit))
            return [VersionGap(link, r["previous_version"] or 0,
                               r["previous_notification_id"])
                    for r in curs.fetchall() if (link := _pg_link(r, "r")) is not None]

    def head(self) -> tuple[int, bytes] | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT notification_id, log_hash FROM {}.{} "
                             "ORDER BY notification_id DESC LIMIT 1").format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name)))
            row = curs.fetchone()
        return None if row is None else (row["notification_id"], bytes(row["log_hash"]))


ChainedRecorder = ChainedSQLiteApplicationRecorder | ChainedPostgresApplicationRecorder


def chained(recorder: object) -> ChainedRecorder:
    """The application's recorder, which must be one of the hash-chained ones."""
    if not isinstance(recorder, ChainedSQLiteApplicationRecorder |
                      ChainedPostgresApplicationRecorder):
        raise TypeError(f"{type(recorder).__name__} keeps no hash chain")
    return recorder


_LINK_COLUMNS = ("{a}.rowid, {a}.originator_id, {a}.originator_version, {a}.chain_hash, "
                 "{a}.log_hash")
_PG_LINK_COLUMNS = ("{a}.notification_id AS {a}_notification_id, "
                    "{a}.originator_id AS {a}_originator_id, "
                    "{a}.originator_version AS {a}_originator_version, "
                    "{a}.chain_hash AS {a}_chain_hash, {a}.log_hash AS {a}_log_hash")


def _pg_link(row: Any, alias: str) -> LogLink | None:
    if row[f"{alias}_notification_id"] is None:
        return None
    return LogLink(row[f"{alias}_notification_id"], row[f"{alias}_originator_id"],
                   row[f"{alias}_originator_version"], _bytes(row[f"{alias}_chain_hash"]),
                   _bytes(row[f"{alias}_log_hash"]))


def _bytes(value: Any) -> bytes | None:
    """Column bytes as stored; text where bytes belong (an edit by hand) is read as UTF-8."""
    if value is None:
        return None
    return value.encode() if isinstance(value, str) else bytes(value)


def _sqlite_id(originator_id: UUID | str) -> str:
    """As eventsourcing's SQLite recorder stores ids: UUIDs as hex, text as it is."""
    return originator_id.hex if isinstance(originator_id, UUID) else originator_id


def rows_of(recorder: ChainedRecorder, *, originator_id: UUID | str | None = None,
            batch: int = 500, neighbours: bool = False) -> Iterable[ChainedRow]:
    """Every row, in notification order (or one aggregate's, in version order), in batches
    so memory stays flat however large the store."""
    after = 0
    while True:
        rows = recorder.select_chained(after=after, limit=batch, originator_id=originator_id,
                                       neighbours=neighbours)
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].originator_version if originator_id is not None else \
            rows[-1].notification_id


def links_after(recorder: ChainedRecorder, notification_id: int, *,
                batch: int = 2000) -> Iterable[LogLink]:
    """The log's links after a notification id, to its head, in batches."""
    after = notification_id
    while True:
        links = recorder.select_links(after=after, limit=batch)
        yield from links
        if len(links) < batch:
            return
        after = links[-1].notification_id


def seal_unchained(recorder: ChainedRecorder, batch: int = 500) -> int:
    """Link rows stored before the chain existed (an upgrade of an older store), in
    notification order; rows already linked are left exactly as they are."""
    heads: dict[str, bytes] = {}
    last_log = GENESIS
    sealed = 0
    pending: list[tuple[int, bytes, bytes]] = []
    for row in rows_of(recorder, batch=batch):
        key = str(row.originator_id)
        if row.chain_hash is not None and row.log_hash is not None:
            heads[key], last_log = row.chain_hash, row.log_hash
            continue
        chain = chain_link(heads.get(key, GENESIS), event_hash(
            row.originator_id, row.originator_version, row.topic, row.state))
        heads[key], last_log = chain, log_link(last_log, chain)
        pending.append((row.notification_id, chain, last_log))
        sealed += 1
        if len(pending) >= batch:
            recorder.update_links(pending)
            pending = []
    if pending:
        recorder.update_links(pending)
    return sealed
