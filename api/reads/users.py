"""The users list (manager, admin): everyone registered, from the people view."""

from __future__ import annotations

from api.reads.common import wait_for_views
from api.reads.models import UserListItemPublic, UserListPublic
from api.settings import Settings
from projections.people import PeopleView
from projections.runner import Views


def users_public(views: Views, settings: Settings) -> UserListPublic:
    """Every registered user by user id, with name, role and whether still active."""
    wait_for_views(views, settings, "people")
    view: PeopleView = views["people"]  # type: ignore[assignment]
    return UserListPublic(items=[
        UserListItemPublic(user_id=p.user_id, name=p.name, role=p.role, active=p.active)
        for p in view.people()])
