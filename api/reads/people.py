"""People as people read them: a user id (``sato``) becomes the name the admin registered
(``佐藤 健さん``). One lookup for the Markdown dossier, the web pages and warnings text.

JSON keeps ids; wherever a person is shown to people, this names them. Names never change
once registered (no event renames a user), so a lookup may remember what it found."""

from __future__ import annotations

import re
from typing import Any, Protocol

from domain.errors import UserNotFound
from domain.users import User
from domain.values import USER_ID

# Who records without being a registered user (domain.users.RESERVED_USER_IDS).
PRINCIPALS_JA = {"admin": "管理者", "cli": "管理コマンド"}
# A user id where a message says whose something is: 「satoさんの約束」.
_HONOURED_ID = re.compile(r"(?<![A-Za-z0-9_.-])([a-z0-9_.-]{1,64})さん")


class UserDirectory(Protocol):
    def get_user(self, user_id: str) -> User: ...


class Names(Protocol):
    """Who a user id is, as a sentence names them; names in computed text (``People``)."""

    def __call__(self, user_id: str | None) -> str: ...

    def in_text(self, message: str) -> str: ...


class People:
    """Display names of user ids, each looked up once (``Tsunagi`` answers ``get_user``)."""

    def __init__(self, directory: UserDirectory) -> None:
        self.directory = directory
        self.known: dict[str, str | None] = {}

    def knowing(self, names: dict[str, str | None]) -> People:
        """These names already known (read from the people view in one query), so naming
        a whole team asks the store nothing more."""
        self.known.update(names)
        return self

    def name(self, user_id: str | None) -> str | None:
        """The registered name (``佐藤 健``); None for an id that names no user."""
        if not user_id:
            return None
        if user_id not in self.known:
            try:
                self.known[user_id] = self.directory.get_user(user_id).name
            except UserNotFound:
                self.known[user_id] = PRINCIPALS_JA.get(user_id)
        return self.known[user_id]

    def __call__(self, user_id: str | None) -> str:
        """A person as a sentence names them: 佐藤 健さん (管理者 for the admin; the id
        itself for one that names nobody, so nothing is hidden)."""
        if not user_id:
            return "—"
        name = self.name(user_id)
        if name is None:
            return user_id
        return name if user_id in PRINCIPALS_JA else f"{name}さん"

    def in_text(self, message: str) -> str:
        """A computed message with every 「<user id>さん」 of a registered user named:
        「satoさんの約束」 → 「佐藤 健さんの約束」."""
        def named(found: re.Match[str]) -> str:
            user_id = found[1]
            if not USER_ID.fullmatch(user_id) or user_id in PRINCIPALS_JA:
                return found[0]
            name = self.name(user_id)
            return found[0] if name is None else f"{name}さん"

        return _HONOURED_ID.sub(named, message)


def named_warnings(warnings: list[dict[str, Any]], people: People) -> list[dict[str, Any]]:
    """Warnings as people read them, wherever they are served: 「佐藤 健さんの約束」."""
    return [{**warning, "message": people.in_text(warning["message"])} for warning in warnings]
