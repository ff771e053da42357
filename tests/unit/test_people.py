"""People by name: one lookup (api.reads.people) for the Markdown dossier, the web pages and
warnings text; a user id is never what a person reads."""

from __future__ import annotations

import pytest

from api.reads.people import People
from domain.errors import UserNotFound
from domain.users import User


class Directory:
    """The users the admin registered, and how often each was asked for."""

    def __init__(self, **names: str) -> None:
        self.names = names
        self.asked: list[str] = []

    def get_user(self, user_id: str) -> User:
        self.asked.append(user_id)
        if user_id not in self.names:
            raise UserNotFound(f"no user {user_id}", field="user_id")
        return User(user_id, self.names[user_id], "rep", "hash", "admin")


@pytest.fixture
def people() -> People:
    return People(Directory(sato="佐藤 健", suzuki="鈴木 一郎", takagi="高木 誠"))


def test_a_user_id_reads_as_the_registered_name(people: People) -> None:
    assert people("sato") == "佐藤 健さん"
    assert people.name("suzuki") == "鈴木 一郎"
    assert people("admin") == "管理者"
    assert people("cli") == "管理コマンド"
    assert people(None) == "—"
    assert people("nobody") == "nobody", "an id naming nobody is shown, not hidden"


def test_each_id_is_looked_up_once(people: People) -> None:
    for _ in range(3):
        people("sato")
        people("nobody")
    assert isinstance(people.directory, Directory)
    assert people.directory.asked == ["sato", "nobody"]


def test_warnings_text_names_people(people: People) -> None:
    assert people.in_text("約束の期限切れ (2026-11-20, satoさんの約束)") == \
        "約束の期限切れ (2026-11-20, 佐藤 健さんの約束)"
    assert people.in_text("takagiさんからsuzukiさんへ") == "高木 誠さんから鈴木 一郎さんへ"
    assert people.in_text("nobodyさんの約束") == "nobodyさんの約束"
    assert people.in_text("訪問が3日遅れています") == "訪問が3日遅れています"
    assert people.in_text("X-satoさん") == "X-satoさん", "part of a longer word is no id"
