"""The read side: one file per view, each an exactly-once projection of the account log.

A new view is a new module with a `View` subclass, listed here; no other view changes.
"""

from __future__ import annotations

from projections.account_list import AccountListView
from projections.base import View
from projections.dossier import DossierView
from projections.health import HealthView
from projections.history import HistoryView
from projections.people import PeopleView
from projections.relationship import RelationshipView
from projections.route import RouteView
from projections.team import TeamView

ALL_VIEWS: tuple[type[View], ...] = (
    RelationshipView,
    HistoryView,
    RouteView,
    DossierView,
    HealthView,
    AccountListView,
    TeamView,
    PeopleView,
)
VIEW_NAMES = tuple(view.name for view in ALL_VIEWS)
