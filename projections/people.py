"""The people view: every registered user, their name, role and whether they are active.

What a 課長 picks from (the users list, a rep by name) comes from this table, never from
replaying each user's stream. It follows the users' events, not the accounts' (the other
views follow only those). Whether a user may be given an account is decided on the user's
own stream at write time (Tsunagi.check_owner), not here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from domain.users import User
from projections.base import View
from projections.quarantine import Undecodable
from projections.records import iso
from projections.storage import ViewCursor

USER_TOPICS = "domain.users:User."


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    role: str
    active: bool


def _registered(cursor: ViewCursor, event: User.Registered) -> None:
    cursor.execute(
        "INSERT INTO people (user_id, user_key, name, role, active, registered_at) "
        "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (user_id) DO NOTHING",
        (event.user_id, str(event.originator_id), event.name, event.role,
         iso(event.timestamp)),
    )


def _deactivated(cursor: ViewCursor, event: User.Deactivated) -> None:
    cursor.execute("UPDATE people SET active = 0 WHERE user_key = ?",
                   (str(event.originator_id),))


HANDLERS: dict[type[Any], Callable[[ViewCursor, Any], None]] = {
    User.Registered: _registered,
    User.Deactivated: _deactivated,
}
IGNORED: frozenset[type[Any]] = frozenset({User.TokenIssued})


class PeopleView(View):
    name: str = "people"
    shape: ClassVar[int] = 1
    tables: ClassVar[dict[str, str]] = {
        "people": (
            "CREATE TABLE IF NOT EXISTS people ("
            "user_id TEXT PRIMARY KEY, user_key TEXT NOT NULL, name TEXT NOT NULL, "
            "role TEXT NOT NULL, active INTEGER NOT NULL, registered_at TEXT NOT NULL)"
        ),
    }
    indexes: ClassVar[list[str]] = [
        "CREATE INDEX IF NOT EXISTS people_by_role ON people (role, user_id)",
        "CREATE UNIQUE INDEX IF NOT EXISTS people_by_key ON people (user_key)",
    ]

    @classmethod
    def follows(cls, event: Any) -> bool:
        if isinstance(event, Undecodable):
            return event.topic.startswith(USER_TOPICS)
        return type(event) in HANDLERS

    def apply(self, cursor: ViewCursor, events: Sequence[Any]) -> None:
        for event in events:
            HANDLERS[type(event)](cursor, event)

    def people(self, *, role: str | None = None) -> list[Person]:
        """Everyone registered (or those of one role), by user id."""
        where, params = ("WHERE role = ?", (role,)) if role else ("", ())
        with self.view.reading() as cursor:
            cursor.execute(f"SELECT user_id, name, role, active FROM people {where} "
                           "ORDER BY user_id", params)
            rows = cursor.fetchall()
        return [Person(str(r[0]), str(r[1]), str(r[2]), bool(r[3])) for r in rows]

    def name_of(self, user_id: str) -> str | None:
        """The registered name of a user id, or None for one that names nobody."""
        with self.view.reading() as cursor:
            cursor.execute("SELECT name FROM people WHERE user_id = ?", (user_id,))
            found = cursor.fetchone()
        return None if found is None else str(found[0])
