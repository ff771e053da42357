"""Calendar feeds (予定表の購読): one secret URL per user, kept in the events' database.

``POST /v1/users/me/calendar`` issues a new key, ``<user_id>.<secret>``; only the secret's
SHA-256 is stored, one row per user, so issuing a new key revokes the previous one. The key
is the whole credential of the feed (calendar apps send no Authorization), so it is long,
random and compared in constant time. Not an event: a feed key is a credential like a web
session, not something that happened to an account or a user.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresDatastore
from psycopg import sql

from domain.errors import StoreUnavailable
from projections.storage import ViewCursor

TABLE = "calendar_feeds"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class FeedStore:
    """The ``calendar_feeds`` table, through the application's own datastore (its pool)."""

    def __init__(self, datastore: Any, clock: Callable[[], datetime]) -> None:
        self._datastore = datastore
        self._postgres = isinstance(datastore, PostgresDatastore)
        self._clock = clock

    def create_table(self) -> None:
        kind = "DOUBLE PRECISION" if self._postgres else "REAL"
        with self._transaction() as cursor:  # DDL is not prepared: the raw cursor
            cursor.raw.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (user_id TEXT PRIMARY KEY, "
                f"secret_hash TEXT NOT NULL, issued_at {kind} NOT NULL)")

    def issue(self, user_id: str) -> str:
        """A new key for this user's feed; the previous one stops working."""
        secret = secrets.token_urlsafe(32)
        with self._transaction() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (user_id, secret_hash, issued_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET secret_hash = excluded.secret_hash, "
                "issued_at = excluded.issued_at",
                (user_id, secret_hash(secret), self._clock().timestamp()))
        return f"{user_id}.{secret}"

    def holder(self, key: str) -> str | None:
        """The user whose current feed key this is; None for an unknown or revoked key."""
        user_id, _, secret = key.rpartition(".")
        if not user_id or not secret:
            return None
        with self._transaction(commit=False) as cursor:
            cursor.execute(f"SELECT secret_hash FROM {TABLE} WHERE user_id = ?", (user_id,))
            row = cursor.fetchone()
        if row is None or not hmac.compare_digest(str(row[0]), secret_hash(secret)):
            return None
        return user_id

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
            raise StoreUnavailable(f"the calendar feeds did not answer: {exc}") from exc
