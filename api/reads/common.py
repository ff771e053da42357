"""What every read shares: read-your-writes, and what the views quarantined."""

from __future__ import annotations

from uuid import UUID

from fastapi.exceptions import HTTPException

from api.settings import Settings
from projections import quarantine
from projections.quarantine import Reading
from projections.runner import Views


def wait_for_views(views: Views, settings: Settings, *names: str) -> None:
    """Read-your-writes: the views have applied every write acknowledged before now."""
    if not views.caught_up(names, timeout=settings.read_timeout_seconds):
        raise HTTPException(503, "the views are catching up with recent writes; retry shortly",
                            headers={"Retry-After": "1"})


def reading_of(views: Views, account_id: UUID, names: tuple[str, ...]) -> Reading:
    """What the named views quarantined of this account (one indexed query), once they
    have caught up."""
    recorder = views[names[0]].view
    return Reading(quarantine.for_account(recorder, str(account_id), names))
