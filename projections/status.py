"""Where each view stands against the log: what `/health` and `tsunagi status` report.

Read from the database only (each view's tracking table, the head of the log, the first
event a view has not applied, the quarantine's counts), so it tells the same truth in the
process that runs the projector and in an API process that only reads the views
(``TSUNAGI_PROJECTOR=external``). A handful of indexed lookups, never a scan of the log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from projections import quarantine
from projections.runner import Projector, Views

LAG_LIMIT_SECONDS = 60.0  # a view whose oldest unapplied event is older than this is lagging


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ViewStatus:
    view: str
    position: int  # the last notification the view has applied
    head: int  # the last notification in the log
    behind: int  # notifications between them (ids may skip a few on PostgreSQL)
    lag_seconds: float  # how long ago the oldest event it has not applied was recorded
    quarantined: int  # events it keeps aside (see projections.quarantine)
    stopped: str | None = None  # why its follower in this process stopped, if it has

    @property
    def lagging(self) -> bool:
        return self.lag_seconds > LAG_LIMIT_SECONDS

    @property
    def healthy(self) -> bool:
        """Live: following, and no write has waited for it more than a minute. Quarantined
        events do not make a view unhealthy (it has moved past them); they are reported."""
        return self.stopped is None and not self.lagging

    @property
    def problem(self) -> str | None:
        if self.stopped is not None:
            return f"view {self.view} has stopped: {self.stopped}"
        if self.lagging:
            return (f"view {self.view} lags the log by {self.lag_seconds:.0f} s "
                    f"({self.behind} events; limit {LAG_LIMIT_SECONDS:.0f} s)")
        return None

    def as_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["lag_seconds"] = round(self.lag_seconds, 1)
        if self.stopped is None:
            del found["stopped"]
        return found


def statuses(views: Views, now: datetime | None = None) -> list[ViewStatus]:
    """Every view of this process, from what the database says."""
    now = now or utc_now()
    head = views.head()
    # what each view's table says, even where this process applies the view itself
    positions = {name: Views.position(views, name) for name in views.by_name}
    recorder = next(iter(views.by_name.values())).view
    counts = quarantine.counts(recorder)
    stopped = _stopped(views)
    recorded: dict[int, datetime | None] = {}
    found = []
    for name, position in positions.items():
        lag = 0.0
        if position < head:
            if position not in recorded:
                recorded[position] = _first_recorded_after(views, position)
            since = recorded[position]
            lag = max(0.0, (now - since).total_seconds()) if since else 0.0
        found.append(ViewStatus(view=name, position=position, head=head,
                                behind=max(0, head - position), lag_seconds=lag,
                                quarantined=counts.get(name, 0), stopped=stopped.get(name)))
    return found


def _stopped(views: Views) -> dict[str, str]:
    """Followers of an in-process projector that are no longer running."""
    if not isinstance(views, Projector) or views.stopping:
        return {}
    return {name: views.failures.get(name, "its thread ended")
            for name, thread in views.threads.items() if not thread.is_alive()}


def _first_recorded_after(views: Views, position: int) -> datetime | None:
    """When the first event after ``position`` was recorded (one indexed lookup)."""
    following = views.app.recorder.select_notifications(start=position, limit=1,
                                                        inclusive_of_start=False)
    if not following:
        return None
    try:
        event: Any = views.app.mapper.to_domain_event(following[0])
        stamp: datetime = event.timestamp
        return stamp
    except Exception:  # a row the mapper cannot decode: its timestamp, if the JSON holds one
        return _raw_timestamp(following[0].state)


def _raw_timestamp(state: bytes) -> datetime | None:
    try:
        stamp = orjson.loads(state)["timestamp"]
        return datetime.fromisoformat(stamp["_data_"] if isinstance(stamp, dict) else stamp)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
