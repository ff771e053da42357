"""The people view, on SQLite and PostgreSQL: who is registered, in which role, and who has
left, folded from the users' own events and built the same again from the log."""

from __future__ import annotations

from domain.application import Tsunagi
from domain.values import Actor, Role
from projections.people import PeopleView, Person
from projections.runner import Projector

管理者 = Actor("admin", Role.ADMIN)


def people(projector: Projector, role: str | None = None) -> list[Person]:
    view: PeopleView = projector["people"]  # type: ignore[assignment]
    return view.people(role=role)


def test_registrations_and_departures_are_listed_and_rebuilt_the_same(
        store: Tsunagi, projector: Projector) -> None:
    projector.catch_up()
    assert [p.user_id for p in people(projector)] == ["ito", "sato", "suzuki", "takahashi",
                                                       "tanaka"]
    store.register_user(管理者, user_id="kobayashi", name="小林 誠", role="rep")
    store.issue_token(管理者, "kobayashi")
    store.deactivate_user(管理者, "takahashi")
    projector.catch_up()

    assert people(projector, "rep") == [
        Person("kobayashi", "小林 誠", "rep", True),
        Person("sato", "佐藤 健", "rep", True),
        Person("suzuki", "鈴木 一郎", "rep", True),
        Person("takahashi", "高橋 花子", "rep", False),
    ]
    assert people(projector, "manager") == [Person("tanaka", "田中 課長", "manager", True)]
    assert projector.position("people") == projector.head()
    assert projector["history"].dump() == {"history_events": []}, "the accounts' views only"

    live = projector["people"].dump()
    projector.rebuild(["people"])
    assert projector["people"].dump() == live
