"""People by name: one lookup (api.reads.people) for the Markdown dossier, the web pages and
warnings; a user id is never what a person reads."""

from __future__ import annotations

import pytest

from api.reads.people import People
from api.reads.warnings import named_warnings
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


def test_a_warning_names_its_person_from_its_user_id_not_from_its_text(people: People) -> None:
    overdue = {"code": "promise_overdue", "severity": "high", "event_ids": ["e1"],
               "facts": {"due_date": "2026-11-20"}, "user_id": "sato"}
    broken = {"code": "promises_broken", "severity": "high", "event_ids": ["e2", "e3"],
              "facts": {"days": 90, "count": 2}, "user_id": "nobody"}
    late = {"code": "visit_overdue", "severity": "medium", "event_ids": ["e4"],
            "facts": {"days": 3, "last_visit_on": "2026-11-10"}}

    named = named_warnings([overdue, broken, late], people)

    assert [w["message"] for w in named] == [
        "約束の期限切れ (2026-11-20, 佐藤 健さんの約束)",
        "nobodyが90日以内に約束を2回破っています",  # an id naming nobody is shown as it is
        "訪問が3日遅れています (最終訪問 2026-11-10)"]
    assert [w.get("user_name") for w in named] == ["佐藤 健", None, None]
    assert [w["user_id"] for w in named[:2]] == ["sato", "nobody"] and "user_id" not in named[2]


def test_後任の点数は同じ期間の前任の点数と並べてだけ示す() -> None:
    from api.web.labels import score_beside_predecessor

    def names(user_id: str | None) -> str:
        return {"sato": "佐藤 健さん"}.get(user_id or "", "—")

    comparison = {"predecessor_rep_id": "sato", "days": 120, "predecessor_score": 71,
                  "score": 68, "same_season_last_year_score": None}
    assert score_beside_predecessor(68, comparison, names) == (
        "68点（同じ期間で比べると 前任 佐藤 健さん 71点、担当開始から120日）")
    assert score_beside_predecessor(80, None, names) == "80点", "a first owner"
