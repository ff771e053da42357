"""Credential tables beside the events (web sessions, calendar feed keys): not events, but
kept in the events' own database, through the application's own datastore (its pool).

Only a SHA-256 of each secret is stored; a database that does not answer is
StoreUnavailable (503), as for every other read and write.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, ClassVar

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresDatastore
from psycopg import sql

from domain.errors import StoreUnavailable
from projections.storage import ViewCursor


def sha256_hex(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class CredentialTable:
    """One table of credentials; a subclass names itself and says how its table is made."""

    what: ClassVar[str]  # in errors: "the web sessions"

    def __init__(self, datastore: Any, clock: Callable[[], datetime]) -> None:
        self._datastore = datastore
        self._postgres = isinstance(datastore, PostgresDatastore)
        self._clock = clock

    def now(self) -> float:
        """Unix seconds (UTC), as the table keeps times."""
        return self._clock().timestamp()

    def create_table(self) -> None:
        seconds = "DOUBLE PRECISION" if self._postgres else "REAL"
        with self._transaction() as cursor:  # DDL is not prepared: the raw cursor
            for statement in self.schema(seconds):
                cursor.raw.execute(statement)

    def schema(self, seconds: str) -> list[str]:
        """The statements that make the table; ``seconds`` is the column type of a time."""
        raise NotImplementedError

    @contextmanager
    def _transaction(self, *, commit: bool = True) -> Iterator[ViewCursor]:
        """One transaction; a database that does not answer is StoreUnavailable (503)."""
        try:
            with self._datastore.transaction(commit=commit) as raw:
                if self._postgres:
                    raw.execute(sql.SQL("SET LOCAL search_path TO {}").format(
                        sql.Identifier(self._datastore.schema)))
                yield ViewCursor(raw, postgres=self._postgres)
        except (OperationalError, InterfaceError, sqlite3.OperationalError) as exc:
            raise StoreUnavailable(f"{self.what} did not answer: {exc}") from exc
