"""A rep's route for a day (今日のルート)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from api.reads.common import wait_for_views
from api.reads.models import RoutePublic
from api.settings import Settings
from projections.route import Route, RouteView
from projections.runner import Views


def route_of(views: Views, settings: Settings, rep_id: str, on: date) -> Route:
    """A rep's day as the route view has it, once it has applied every acknowledged write."""
    wait_for_views(views, settings, "route")
    view: RouteView = views["route"]  # type: ignore[assignment]
    return view.route(rep_id, on)


def route_public(views: Views, settings: Settings, rep_id: str, on: date) -> RoutePublic:
    """Accounts due a visit, promises due within 7 days, open complaints, handovers."""
    route = asdict(route_of(views, settings, rep_id, on))
    route["date"] = route.pop("on")
    return RoutePublic.model_validate(route)
