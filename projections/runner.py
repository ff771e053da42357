"""Keeping views up to date with the log: catch up, then follow; rebuild on demand.

Each view follows the application's notification log on its own thread, in batches, from
its own tracking position. The rows a batch changes and the batch's last position are
written in one transaction (see base.View), so a crash anywhere leaves each view at a
position it really reached: restarting never applies an event twice or skips one.
PostgreSQL commits notification ids in order (eventsourcing locks the events table on
insert), so reading "after my position" never passes over a transaction still in flight.

One projector per store applies each view: a started projector follows the views whose
lease it holds (see projections.lease) and is a hot standby for the others — it reads their
positions from their tracking tables, as `Views` does, and tries their leases every second.
A batch is taken only if the view's stored position is still the one it was read after
(see projections.storage), so even two projectors that both believe they lead cannot apply
an event twice.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from eventsourcing.persistence import PersistenceError

from domain.application import Tsunagi
from projections.base import View
from projections.lease import Lease, lease_for
from projections.quarantine import CannotApply, Undecodable, describe
from projections.storage import BatchTracking, PositionMoved

log = logging.getLogger(__name__)  # rendered by structlog, configured at the edge

BATCH_SIZE = 500  # following: small batches keep views close behind the writes
CATCH_UP_BATCH_SIZE = 5_000  # catching up: each account's documents read and written once
# per batch, so a larger batch costs fewer of them per event; a batch also stops once it
# touches this many accounts, so one view transaction never rewrites too many documents:
CATCH_UP_ACCOUNTS = 500
# following a burst of writes: after a batch this large, let the next one gather for this long,
# so each account's documents are rewritten once for many events instead of once for each
# (P1, 8 reps writing at once: 451 → 683 appends/s). A lone write is applied at once.
BURST_EVENTS = 8
LINGER_SECONDS = 0.05
LEASE_SECONDS = 1.0  # how often a projector confirms its leases and tries the others
# a view refused SQLite's write lock (after waiting the connection's busy timeout for it)
# tries again this soon: a longer, growing pause made reads wait on the projector longer
# than their read-your-writes budget while one client wrote back to back
LOCKED_RETRY_SECONDS = 0.05
Progress = Callable[[str, int, int], None]  # view name, position reached, head of the log


def lingering(applied: int, batch_size: int) -> bool:
    """Whether a following view waits before its next batch: after a burst that did not
    fill the batch (a full batch means it is behind, and reads on at once)."""
    return BURST_EVENTS <= applied < batch_size


class Views:
    """The read side of one process: the views by name, and waiting for them to catch up."""

    def __init__(self, app: Tsunagi, views: Iterable[View]) -> None:
        self.app = app
        self.by_name: dict[str, View] = {view.name: view for view in views}
        self.lease: Lease | None = None  # asked who leads; taken only by a Projector

    def _lease(self) -> Lease:
        if self.lease is None:
            first = next(iter(self.by_name.values()))
            self.lease = lease_for(first.view.datastore)  # type: ignore[attr-defined]
        return self.lease

    def leadership(self) -> dict[str, Any]:
        """Who applies which view, for /health and `tsunagi status`: what the lease is,
        the views this process leads, and who leads each of the others (None: nobody)."""
        lease = self._lease()
        led = self._led()
        return {"lease": lease.describe(), "leading": led,
                "standby": {name: lease.holder(name) for name in self.by_name
                            if name not in led}}

    def _led(self) -> list[str]:
        return []

    def __getitem__(self, name: str) -> View:
        return self.by_name[name]

    def position(self, name: str) -> int:
        return self.by_name[name].view.max_tracking_id(self.app.name) or 0

    def close(self) -> None:
        """Close the views' connection pool (shared by all the views of a process)."""
        if self.lease is not None:
            self.lease.release()
        datastores = {id(v.view.datastore): v.view.datastore for v in self.by_name.values()}  # type: ignore[attr-defined]
        for datastore in datastores.values():
            datastore.close()

    def head(self) -> int:
        """The last notification id in the log: every write acknowledged so far."""
        return self.app.recorder.max_notification_id() or 0

    def wait_until(self, position: int, names: Sequence[str], timeout: float) -> bool:
        """Block until every named view has applied ``position``; False on timeout."""
        deadline = time.monotonic() + timeout
        pause = 0.002
        while any(self.position(name) < position for name in names):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, 0.05)
        return True

    def caught_up(self, names: Sequence[str], timeout: float) -> bool:
        """Read-your-writes: wait for every write acknowledged before this call."""
        return self.wait_until(self.head(), names, timeout)


class Projector(Views):
    """Runs views in this process: one following thread per view."""

    def __init__(self, app: Tsunagi, views: Iterable[View], *, batch_size: int = BATCH_SIZE,
                 catch_up_batch_size: int = CATCH_UP_BATCH_SIZE,
                 idle_seconds: float = 0.5, lease: Lease | None = None,
                 lease_seconds: float = LEASE_SECONDS) -> None:
        super().__init__(app, views)
        self.batch_size = batch_size
        self.catch_up_batch_size = max(batch_size, catch_up_batch_size)
        self.idle_seconds = idle_seconds
        self._positions = {name: super(Projector, self).position(name) for name in self.by_name}
        self._advanced = threading.Condition()
        self._wakeups = {name: threading.Event() for name in self.by_name}
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self.failures: dict[str, str] = {}
        self.lease = lease  # made from the views' store when the projector starts
        self.lease_seconds = lease_seconds
        self._leads = {name: threading.Event() for name in self.by_name}
        self._announced_standby: set[str] = set()
        self._started = False
        self._lease_keeper: threading.Thread | None = None
        app.saved_listeners.append(self.wake)

    # ------------------------------------------------------------------ positions

    def position(self, name: str) -> int:
        """What this process applied, for a view it applies (or drives by hand, unstarted);
        what the view's table says, for a view another process leads."""
        if self._applies(name):
            return self._positions[name]
        return super().position(name)

    def wait_until(self, position: int, names: Sequence[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._advanced:
            while all(self._applies(name) for name in names):
                if all(self._positions[name] >= position for name in names):
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._advanced.wait(min(remaining, self.lease_seconds))
        # another process applies some of these views: their tables say how far
        return super().wait_until(position, names, max(0.0, deadline - time.monotonic()))

    def _applies(self, name: str) -> bool:
        return not self._started or self._leads[name].is_set()

    @property
    def leading(self) -> bool:
        """Whether this process applies every view it runs (False while it is a standby
        for any of them, and before it starts)."""
        return self._started and all(lead.is_set() for lead in self._leads.values())

    def _led(self) -> list[str]:
        return sorted(name for name, lead in self._leads.items() if lead.is_set())

    def _advance(self, name: str, position: int) -> None:
        with self._advanced:
            self._positions[name] = position
            self._advanced.notify_all()

    # ------------------------------------------------------------------ processing

    def run_batch(self, name: str) -> int:
        """Apply the next batch of events to one view; return how many there were."""
        batch = self._next_batch(self._positions[name])
        return self._apply(name, batch) if batch else 0

    def catch_up(self, names: Sequence[str] | None = None,
                 progress: Progress | None = None) -> int:
        """Apply everything in the log now; return the number of view-applications.

        The views behind share each batch: it is read and decoded once, and each view
        takes the events after its own position, in its own transaction."""
        names = list(names or self.by_name)
        head = self.head()
        applied = 0
        while batch := self._catch_up_batch(min(self._positions[name] for name in names)):
            for name in names:
                applied += self._apply(name, batch)
                if progress:
                    progress(name, self._positions[name], max(head, self._positions[name]))
        return applied

    def _next_batch(self, after: int) -> list[tuple[int, Any]]:
        """The next notifications after this position, decoded: (position, event)."""
        notifications = self.app.recorder.select_notifications(
            start=after, limit=self.batch_size, inclusive_of_start=False)
        return [(n.id, self._decoded(n)) for n in notifications]

    def _decoded(self, notification: Any) -> Any:
        """The domain event, or, for a row the mapper cannot decode, an Undecodable in its
        place: every view quarantines it instead of stopping on it."""
        try:
            return self.app.mapper.to_domain_event(notification)
        except Exception as exc:  # whatever a hand-made or damaged row makes decoding raise
            return Undecodable(notification.id, notification.originator_id,
                               notification.topic, describe(exc))

    def _catch_up_batch(self, after: int) -> list[tuple[int, Any]]:
        """Following batches joined until CATCH_UP_BATCH_SIZE events or CATCH_UP_ACCOUNTS
        accounts: few view transactions per event, and memory bounded whatever the log."""
        batch: list[tuple[int, Any]] = []
        accounts: set[Any] = set()
        while len(batch) < self.catch_up_batch_size and len(accounts) < CATCH_UP_ACCOUNTS:
            following = self._next_batch(batch[-1][0] if batch else after)
            if not following:
                break
            batch += following
            accounts.update(event.originator_id for _, event in following)
        return batch

    def _apply(self, name: str, batch: list[tuple[int, Any]]) -> int:
        """The batch's events after the view's position, and the batch's last position, in
        one view transaction; return how many events were new to the view."""
        after, last = self._positions[name], batch[-1][0]
        if after >= last:
            return 0
        new = [(i, e) for i, e in batch if i > after]
        try:
            self._process(name, new, after)
        except CannotApply as exc:  # rolled back whole: find the events at fault, keep the rest
            self._isolate(name, new, after, str(exc))
        self._advance(name, last)
        return len(new)

    def _process(self, name: str, batch: list[tuple[int, Any]], after: int) -> None:
        """The batch's account events and its last position, in one view transaction, taken
        only if the view's stored position is still ``after``."""
        view = self.by_name[name]
        followed = [e for _, e in batch if view.follows(e)]
        for event in followed:
            if isinstance(event, Undecodable):
                raise CannotApply(event.error)
        view.process_batch(followed, BatchTracking(self.app.name, batch[-1][0], after))

    def _isolate(self, name: str, batch: list[tuple[int, Any]], after: int,
                 error: str) -> None:
        """After ``batch`` failed with ``error``: apply it in halves, each in its own
        transaction with its own last position, until an event that cannot be applied is
        alone; that one is quarantined (with its position, in one transaction) and the view
        goes on past it. One bad event among 5,000 costs about 25 transactions; a half that
        fails was rolled back whole, so no document half-changed by it is ever kept."""
        if len(batch) == 1:
            position, event = batch[0]
            self.by_name[name].quarantine(event, BatchTracking(self.app.name, position, after),
                                          error)
            return
        first, second = batch[:len(batch) // 2], batch[len(batch) // 2:]
        for half, half_after in ((first, after), (second, first[-1][0])):
            try:
                self._process(name, half, half_after)
            except CannotApply as exc:
                self._isolate(name, half, half_after, str(exc))

    def rebuild(self, names: Sequence[str] | None = None,
                progress: Progress | None = None) -> int:
        """Empty the views and build them again from the whole log."""
        names = names or list(self.by_name)
        for name in names:
            self.by_name[name].drop(self.app.name)
            self._advance(name, 0)
        return self.catch_up(names, progress)

    # ------------------------------------------------------------------ following

    def wake(self, *_: Any) -> None:
        for wakeup in self._wakeups.values():
            wakeup.set()

    def start(self) -> None:
        """Follow the log: at once for each view whose lease this process takes, as a hot
        standby for the others, trying their leases every ``lease_seconds``."""
        self._lease()
        self._started = True
        self._keep_leases()
        keeper = threading.Thread(target=self._keep_leases_until_stopped, daemon=True,
                                  name="projector-lease")
        keeper.start()
        self._lease_keeper = keeper
        for name in self.by_name:
            thread = threading.Thread(target=self._follow, args=(name,), daemon=True,
                                      name=f"projector-{name}")
            thread.start()
            self._threads.append(thread)

    def claim(self) -> list[str]:
        """Take the leases nobody holds now, without waiting; return the views this process
        leads, from the positions their tables say (`tsunagi project` catches these up
        before it starts following)."""
        held = self._lease().claim(self.by_name)
        led = [name for name in self.by_name if name in held]
        for name in led:
            self._reload_position(name)
        return led

    def _keep_leases_until_stopped(self) -> None:
        while not self._stopping.wait(self.lease_seconds):
            self._keep_leases()

    def _keep_leases(self) -> None:
        """Confirm the leases held, try the others; a view led anew starts from the
        position its table says (what the previous leader committed)."""
        lease = self._lease()
        try:
            held = lease.claim(self.by_name)
        except OSError as exc:  # e.g. the lease file cannot be opened: lead nothing
            log.warning("projector_lease_failed", extra={"error": str(exc)})
            held = set()
        gained = [name for name in self.by_name
                  if name in held and not self._leads[name].is_set()]
        lost = [name for name in self.by_name
                if name not in held and (self._leads[name].is_set() or
                                         name not in self._announced_standby)]
        for name in gained:
            self._reload_position(name)
            self._leads[name].set()
            self._wakeups[name].set()
            self._announced_standby.discard(name)
        if gained:
            log.info("projector_leading", extra={"views": gained, "lease": lease.describe()})
        for name in lost:
            self._leads[name].clear()
            self._announced_standby.add(name)
        if lost:
            log.info("projector_standby", extra={
                "views": lost, "leader": {name: lease.holder(name) for name in lost}})
            with self._advanced:
                self._advanced.notify_all()  # readers waiting on this process poll instead

    @property
    def threads(self) -> dict[str, threading.Thread]:
        return {thread.name.removeprefix("projector-"): thread for thread in self._threads}

    def close(self) -> None:
        """Stop following, then close the views' connection pool."""
        self.stop()
        super().close()

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout)
        if self._lease_keeper is not None:
            self._lease_keeper.join(timeout)
        if self.lease is not None:
            self.lease.release()
        for lead in self._leads.values():
            lead.clear()
        if self.wake in self.app.saved_listeners:
            self.app.saved_listeners.remove(self.wake)

    def _follow(self, name: str) -> None:
        wakeup = self._wakeups[name]
        backoff = 0.1
        while not self._stopping.is_set():
            if not self._leads[name].is_set():  # a standby for this view
                self._leads[name].wait(self.lease_seconds)
                continue
            wakeup.clear()
            try:
                applied = self.run_batch(name)
            except PositionMoved as exc:  # another projector applied it: start from there
                log.warning("projection_batch_refused", extra={"view": name, "error": str(exc)})
                self._reload_position(name)
                continue
            except (PersistenceError, OSError) as exc:
                self.failures[name] = str(exc)
                pause = LOCKED_RETRY_SECONDS if locked(exc) else backoff
                log.warning("projection_failed",
                            extra={"view": name, "error": str(exc), "retry_in": pause})
                self._stopping.wait(pause)
                if not locked(exc):
                    backoff = min(backoff * 2, 5.0)
                self._reload_position(name)
                continue
            except Exception as exc:  # not an event's fault (those are quarantined): a bug
                # in the projector itself. Said loudly and retried slowly, never given up on:
                # /health names the view while it lags.
                self.failures[name] = describe(exc)
                log.exception("projection_failed", extra={"view": name, "retry_in": 5.0})
                self._stopping.wait(5.0)
                self._reload_position(name)
                continue
            self.failures.pop(name, None)
            backoff = 0.1
            if not applied:
                wakeup.wait(self.idle_seconds)
            elif lingering(applied, self.batch_size):
                self._stopping.wait(LINGER_SECONDS)

    def _reload_position(self, name: str) -> None:
        """After a failure, trust only the position the view's own table says it reached."""
        with contextlib.suppress(PersistenceError, OSError):
            self._advance(name, super().position(name))

    @property
    def stopping(self) -> bool:
        """Whether stop() was called (followers that have ended were told to)."""
        return self._stopping.is_set()


def locked(exc: BaseException) -> bool:
    """SQLite's write lock was busy: worth trying again at once, not after a long pause."""
    return "database is locked" in str(exc) or "database is busy" in str(exc)
