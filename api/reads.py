"""The read side as routes and pages see it."""

from __future__ import annotations

from fastapi.exceptions import HTTPException

from api.settings import Settings
from projections.runner import Views


def wait_for_views(views: Views, settings: Settings, *names: str) -> None:
    """Read-your-writes: the views have applied every write acknowledged before now."""
    if not views.caught_up(names, timeout=settings.read_timeout_seconds):
        raise HTTPException(503, "the views are catching up with recent writes; retry shortly",
                            headers={"Retry-After": "1"})
