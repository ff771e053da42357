"""Web sessions, kept server-side in the events' own database.

Signing in on the web starts a session: a random id goes into the browser's cookie and only
its SHA-256 is stored, with who signed in, a hash of the token they signed in with, and when
the session started, was last seen and ends. The bearer token never leaves the sign-in form.

A session is good while ``session_valid`` says so: within its lifetime and idle timeout, and
only while its holder's token is still the one it was started with, so issuing a new token
ends every session started with the old one, in every process, with no bookkeeping.
Signing out deletes the row. Times are Unix seconds (UTC).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from api.credentials import CredentialTable, sha256_hex
from domain.values import Actor

TABLE = "web_sessions"
LIFETIME_SECONDS = 12 * 3600  # a working day: sign in again the next morning
IDLE_SECONDS = 2 * 3600  # a browser left alone this long is signed out
TOUCH_EVERY_SECONDS = 60  # last_seen_at is written at most once a minute per session


@dataclass(frozen=True)
class WebSession:
    user_id: str
    token_hash: str  # of the token the session was started with
    created_at: float
    last_seen_at: float
    expires_at: float


@dataclass(frozen=True)
class Holder:
    """The person a session belongs to, as stored now."""

    actor: Actor
    token_hash: str  # of their current token
    active: bool = True  # a deactivated user's sessions sign nobody in


def session_valid(session: WebSession, holder: Holder | None, now: float) -> bool:
    """The one rule for whether a session still signs its holder in (a rule about the
    holder as stored now, such as being an active user, belongs here, on ``Holder``)."""
    return (
        holder is not None
        and holder.active
        and holder.actor.user_id == session.user_id
        and hmac.compare_digest(holder.token_hash, session.token_hash)
        and now < session.expires_at
        and now < session.last_seen_at + IDLE_SECONDS
    )


def session_hash(session_id: str) -> str:
    return sha256_hex(session_id)


class SessionStore(CredentialTable):
    """The ``web_sessions`` table."""

    what = "the session store"

    def schema(self, seconds: str) -> list[str]:
        return [f"CREATE TABLE IF NOT EXISTS {TABLE} ("
                "session_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
                f"token_hash TEXT NOT NULL, created_at {seconds} NOT NULL, "
                f"last_seen_at {seconds} NOT NULL, expires_at {seconds} NOT NULL)",
                f"CREATE INDEX IF NOT EXISTS {TABLE}_by_expiry ON {TABLE} (expires_at)"]

    def start(self, user_id: str, token_hash: str) -> str:
        """A new session for this person; returns its id (for the cookie, stored nowhere)."""
        session_id = secrets.token_urlsafe(32)
        now = self.now()
        with self._transaction() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE expires_at <= ? OR last_seen_at <= ?",
                           (now, now - IDLE_SECONDS))
            cursor.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?)",
                           (session_hash(session_id), user_id, token_hash, now, now,
                            now + LIFETIME_SECONDS))
        return session_id

    def find(self, session_id: str) -> WebSession | None:
        with self._transaction(commit=False) as cursor:
            cursor.execute(f"SELECT user_id, token_hash, created_at, last_seen_at, expires_at "
                           f"FROM {TABLE} WHERE session_hash = ?", (session_hash(session_id),))
            row = cursor.fetchone()
        if row is None:
            return None
        user_id, token_hash, created_at, last_seen_at, expires_at = row
        return WebSession(str(user_id), str(token_hash), float(created_at),
                          float(last_seen_at), float(expires_at))

    def seen(self, session_id: str, session: WebSession, now: float) -> None:
        """Note the session in use (keeps it from idling out), at most once a minute."""
        if now - session.last_seen_at < TOUCH_EVERY_SECONDS:
            return
        with self._transaction() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET last_seen_at = ? WHERE session_hash = ?",
                           (now, session_hash(session_id)))

    def end(self, session_id: str) -> None:
        with self._transaction() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE session_hash = ?",
                           (session_hash(session_id),))

    def end_all_of(self, user_id: str) -> None:
        """Delete every session of this person (a deactivated user)."""
        with self._transaction() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE user_id = ?", (user_id,))

    def count(self, user_id: str) -> int:
        """How many sessions of this person are stored (valid or not yet swept)."""
        with self._transaction(commit=False) as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE user_id = ?", (user_id,))
            row = cursor.fetchone()
        return int(row[0]) if row else 0
