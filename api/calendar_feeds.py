"""Calendar feeds (予定表の購読): one secret URL per user, kept in the events' database.

``POST /v1/users/me/calendar`` issues a new key, ``<user_id>.<secret>``; only the secret's
SHA-256 is stored, one row per user, so issuing a new key revokes the previous one. The key
is the whole credential of the feed (calendar apps send no Authorization), so it is long,
random and compared in constant time. Not an event: a feed key is a credential like a web
session, not something that happened to an account or a user.
"""

from __future__ import annotations

import hmac
import secrets

from api.credentials import CredentialTable, sha256_hex

TABLE = "calendar_feeds"


class FeedStore(CredentialTable):
    """The ``calendar_feeds`` table."""

    what = "the calendar feeds"

    def schema(self, seconds: str) -> list[str]:
        return [f"CREATE TABLE IF NOT EXISTS {TABLE} (user_id TEXT PRIMARY KEY, "
                f"secret_hash TEXT NOT NULL, issued_at {seconds} NOT NULL)"]

    def issue(self, user_id: str) -> str:
        """A new key for this user's feed; the previous one stops working."""
        secret = secrets.token_urlsafe(32)
        with self._transaction() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (user_id, secret_hash, issued_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET secret_hash = excluded.secret_hash, "
                "issued_at = excluded.issued_at",
                (user_id, sha256_hex(secret), self.now()))
        return f"{user_id}.{secret}"

    def holder(self, key: str) -> str | None:
        """The user whose current feed key this is; None for an unknown or revoked key."""
        user_id, _, secret = key.rpartition(".")
        if not user_id or not secret:
            return None
        with self._transaction(commit=False) as cursor:
            cursor.execute(f"SELECT secret_hash FROM {TABLE} WHERE user_id = ?", (user_id,))
            row = cursor.fetchone()
        if row is None or not hmac.compare_digest(str(row[0]), sha256_hex(secret)):
            return None
        return user_id
