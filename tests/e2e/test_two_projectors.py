"""Two `tsunagi project` processes on one store, as an operator might start them by mistake
(or on purpose, as a hot standby): one leads, the other waits; kill -9 the leader while it
works and the standby takes over within seconds; nothing is missed or applied twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from api.bootstrap import build_application, build_views
from api.settings import Settings
from domain.application import Tsunagi
from projections import VIEW_NAMES
from projections.runner import Projector, Views
from tests.e2e.test_serve import TSUNAGI
from tests.stories import 山田製作所の三年間

VIEWS = list(VIEW_NAMES)
TAKEOVER_SECONDS = 5.0


def environment(settings: Settings) -> dict[str, str]:
    return os.environ | {"TSUNAGI_DATABASE_URL": settings.database_url,
                         "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema,
                         "TSUNAGI_POSTGRES_POOL_SIZE": "2", "TSUNAGI_LOG_JSON": "true"}


@contextmanager
def projecting(settings: Settings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as sink:
        process = subprocess.Popen([TSUNAGI, "project"], env=environment(settings),
                                   cwd=log.parent, stdout=subprocess.DEVNULL, stderr=sink)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)


def logged(log: Path, event: str) -> list[dict[str, Any]]:
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [entry for entry in (json.loads(line) for line in lines if line.startswith("{"))
            if entry.get("event") == event]


def wait_for(log: Path, event: str, timeout: float, *, after: int = 0) -> float:
    """Seconds until the process logs ``event`` (beyond the first ``after`` of them)."""
    started = time.monotonic()
    while len(logged(log, event)) <= after:
        assert time.monotonic() - started < timeout, (event, log.read_text(encoding="utf-8"))
        time.sleep(0.05)
    return time.monotonic() - started


def write_stories(store: Tsunagi, stories: int) -> None:
    for _ in range(stories):
        store.save(*山田製作所の三年間().collect_events())


def test_kill_9_the_leading_projector_and_the_standby_carries_on(
        settings: Settings, tmp_path: Path) -> None:
    store = build_application(settings)
    write_stories(store, 5)
    views = Views(store, build_views(store, settings))
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    with projecting(settings, first_log) as first:
        wait_for(first_log, "projector_leading", 60)
        with projecting(settings, second_log) as second:
            wait_for(second_log, "projector_standby", 60)
            assert views.caught_up(VIEWS, timeout=30)
            assert not logged(second_log, "projector_leading")
            assert logged(second_log, "caught_up")[0]["views"] == [], "it caught nothing up"

            writing = threading.Thread(target=write_stories, args=(store, 40))
            writing.start()  # 1,240 events while both run, the leader applying them
            behind = 0
            while behind <= 0 and writing.is_alive():
                reached = views.position("dossier")  # then the head: how far behind it was
                behind = head(store) - reached
                time.sleep(0 if behind else 0.005)
            first.send_signal(signal.SIGKILL)  # mid-work: the dossier is behind the log
            first.wait(10)
            took_over = wait_for(second_log, "projector_leading", TAKEOVER_SECONDS)
            writing.join(120)
            write_stories(store, 3)
            assert views.caught_up(VIEWS, timeout=60), {n: views.position(n) for n in VIEWS}
            second.send_signal(signal.SIGTERM)
            second.wait(20)
    print(f"\nkilled the leader {behind} events behind; the standby led after {took_over:.1f} s")
    assert behind > 0, "the leader was killed while it had work to do"
    assert second.returncode == 0, second_log.read_text(encoding="utf-8")

    rebuilt = Projector(store, build_views(store, settings))
    live = {name: view.dump() for name, view in rebuilt.by_name.items()}
    rebuilt.rebuild()
    assert live == {name: view.dump() for name, view in rebuilt.by_name.items()}, \
        "nothing missed, nothing applied twice"
    rebuilt.close()
    views.close()
    store.close()


def head(store: Tsunagi) -> int:
    return store.recorder.max_notification_id() or 0
