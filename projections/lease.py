"""One projector per view of a store: a lease per view, held for as long as a process leads.

A second `tsunagi project` (or a second `tsunagi serve` with the in-process projector) on the
same store finds the leases taken and waits as a hot standby: it reads the views' positions
from their tracking tables and tries the leases again every second, taking over within a
few seconds when the leader dies. Each lease dies with the process that holds it, even on
kill -9:

- PostgreSQL: a session-level advisory lock per view, keyed by database, schema and view,
  on a connection held for the purpose; the server releases it when the session ends.
- SQLite: ``flock`` on a file beside the database (``<db>-projector-<view>.lock``); the
  kernel releases it when the process's descriptor closes. The file says who holds it.
- An in-memory SQLite store lives in one process: it needs no lease.

A lease is per view, so projectors that each run some views (``tsunagi project --view``)
lead side by side. Leadership is an optimisation, not what keeps views right: a view also
refuses a batch that does not start at its stored position (see projections.storage).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import socket
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import psycopg
from eventsourcing.postgres import PostgresDatastore


def this_process() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


class Lease(ABC):
    """Who applies which views of one store: at most one process per view at a time."""

    @abstractmethod
    def claim(self, views: Iterable[str]) -> set[str]:
        """Take the leases of these views that nobody holds, without waiting; confirm the
        ones this process holds still are. Return the views this process now leads."""

    @abstractmethod
    def holder(self, view: str) -> str | None:
        """Who leads this view (None: nobody does)."""

    @abstractmethod
    def release(self) -> None:
        """Give every lease up (on a clean stop; dying gives them up too)."""

    @abstractmethod
    def describe(self) -> str:
        """What the lease is, for an operator."""


class SoleLease(Lease):
    """An in-memory store: no other process can see it, so this one always leads."""

    def claim(self, views: Iterable[str]) -> set[str]:
        return set(views)

    def holder(self, view: str) -> str | None:
        return this_process()

    def release(self) -> None:
        pass

    def describe(self) -> str:
        return "none needed: an in-memory store belongs to one process"


class FileLease(Lease):
    """flock on ``<database>-projector-<view>.lock``, one file per view."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self._held: dict[str, IO[str]] = {}
        self._mutex = threading.Lock()

    def path(self, view: str) -> Path:
        return self.database.with_name(f"{self.database.name}-projector-{view}.lock")

    def claim(self, views: Iterable[str]) -> set[str]:
        with self._mutex:
            for view in set(views) - set(self._held):
                file = self.path(view).open("a+", encoding="utf-8")
                try:
                    fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    file.close()  # another process leads this view
                    continue
                file.seek(0)
                file.truncate()
                file.write(f"{this_process()} since {datetime.now(UTC).isoformat()}\n")
                file.flush()
                self._held[view] = file
            return set(self._held)

    def holder(self, view: str) -> str | None:
        with self._mutex:
            if view in self._held:
                return f"this process ({this_process()})"
        try:
            with self.path(view).open("r", encoding="utf-8") as file:
                try:  # a shared lock is refused only while someone leads
                    fcntl.flock(file, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except OSError:
                    return file.read().strip() or "another process"
                fcntl.flock(file, fcntl.LOCK_UN)
                return None
        except FileNotFoundError:
            return None

    def release(self) -> None:
        with self._mutex:
            for file in self._held.values():
                file.close()  # closing the descriptor releases the flock
            self._held.clear()

    def describe(self) -> str:
        return f"flock on {self.path('<view>')}"


class AdvisoryLease(Lease):
    """A session-level advisory lock per view, on a connection of its own."""

    def __init__(self, connection_kwargs: dict[str, Any], database: str, schema: str,
                 connect_timeout: float = 2.0) -> None:
        self.database, self.schema = database, schema
        self._kwargs = {k: v for k, v in connection_kwargs.items() if k != "row_factory"}
        self._connect_timeout = max(1, round(connect_timeout))
        self._connection: psycopg.Connection[Any] | None = None
        self._held: set[str] = set()
        self._mutex = threading.Lock()

    def key(self, view: str) -> int:
        """A signed 64-bit key for this store's view: database, schema and view."""
        digest = hashlib.sha256(
            f"tsunagi projector {self.database} {self.schema} {view}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def claim(self, views: Iterable[str]) -> set[str]:
        with self._mutex:
            try:
                connection = self._connected()
                connection.execute("SELECT 1")  # still our session, so still our locks
                for view in set(views) - self._held:
                    row = connection.execute("SELECT pg_try_advisory_lock(%s)",
                                             (self.key(view),)).fetchone()
                    if row and row[0]:
                        self._held.add(view)
            except psycopg.Error:
                self._drop()  # the session is gone, and its locks went with it
            return set(self._held)

    def _connected(self) -> psycopg.Connection[Any]:
        if self._connection is None or self._connection.closed:
            self._held.clear()
            self._connection = psycopg.connect(
                **self._kwargs, autocommit=True, connect_timeout=self._connect_timeout,
                application_name=f"tsunagi projector {this_process()}"[:63])
        return self._connection

    def _drop(self) -> None:
        self._held.clear()
        if self._connection is not None:
            with contextlib.suppress(psycopg.Error):
                self._connection.close()
        self._connection = None

    def holder(self, view: str) -> str | None:
        with self._mutex:
            if view in self._held:
                return f"this process ({this_process()})"
            key = self.key(view)
            try:
                connection = self._connected()
                row = connection.execute(
                    "SELECT a.application_name, a.client_addr, a.pid FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                    "AND l.database = (SELECT oid FROM pg_database "
                    "                  WHERE datname = current_database()) "
                    "AND l.classid::bigint = %s AND l.objid::bigint = %s",
                    ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF)).fetchone()
            except psycopg.Error:
                self._drop()
                return "unknown: the database does not answer"
        if row is None:
            return None
        name, address, pid = row
        return f"{name or 'a session'} (backend {pid}{f' from {address}' if address else ''})"

    def release(self) -> None:
        with self._mutex:
            self._drop()

    def describe(self) -> str:
        return f"PostgreSQL advisory lock per view on {self.database}/{self.schema}"


def lease_for(datastore: Any) -> Lease:
    """The lease that fits the views' store."""
    if isinstance(datastore, PostgresDatastore):
        pool = datastore.pool
        kwargs: dict[str, Any] = pool.kwargs if isinstance(pool.kwargs, dict) else {}
        return AdvisoryLease(kwargs, str(kwargs.get("dbname", "")), datastore.schema,
                             connect_timeout=pool.timeout)
    pool = datastore.pool
    if pool.is_sqlite_memory_mode:
        return SoleLease()
    path = str(pool.db_name).removeprefix("file:").split("?", 1)[0]
    return FileLease(Path(path).expanduser().resolve())
