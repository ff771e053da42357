"""kill -9 the projector at random moments; after a restart its views equal a rebuild."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from api.bootstrap import build_application, build_views
from api.demo import generate
from api.settings import Settings
from projections.runner import Projector

TSUNAGI = str(Path(sys.executable).with_name("tsunagi"))
KILLS = 20


@pytest.mark.slow
@pytest.mark.postgres
def test_views_survive_kill_9_byte_for_byte(postgres_database: str, tmp_path: Path) -> None:
    settings = Settings(database_url=f"postgresql://postgres@127.0.0.1:5432/{postgres_database}",
                        postgres_schema=f"crash_{uuid.uuid4().hex[:8]}", postgres_pool_size=2)
    app = build_application(settings)
    events = 0
    env = os.environ | {"TSUNAGI_DATABASE_URL": settings.database_url,
                        "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema,
                        "TSUNAGI_POSTGRES_POOL_SIZE": "2",
                        "TSUNAGI_LOG_JSON": "true"}
    rng = random.Random(11)
    progress: list[int] = []
    behind = 0
    views = Projector(app, build_views(app, settings))
    def applied() -> int:
        return sum(views.by_name[name].view.max_tracking_id(app.name) or 0
                   for name in views.by_name)

    for round_ in range(KILLS):
        events += generate(app, accounts=12, seed=round_)  # the log keeps growing
        before = applied()
        projector = subprocess.Popen([TSUNAGI, "project"], env=env, cwd=tmp_path,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()  # kill soon after its first commit, or at a random moment
        while applied() == before and time.monotonic() - started < 10:
            time.sleep(0.05)  # each look is 8 queries: looking every 10 ms slowed the projector
        time.sleep(rng.uniform(0.0, 0.4))
        projector.send_signal(signal.SIGKILL)
        projector.wait(10)
        progress.append(applied())
        behind += progress[-1] < (app.recorder.max_notification_id() or 0) * len(views.by_name)
    print(f"\n{events} events × {len(views.by_name)} views; events applied after each of "
          f"{KILLS} kills: {progress}")
    assert behind >= KILLS // 4, "many kills landed while the projector was still working"

    restarted = Projector(app, build_views(app, settings))
    restarted.catch_up()
    after_crashes = {name: view.dump() for name, view in restarted.by_name.items()}
    restarted.rebuild()
    rebuilt = {name: view.dump() for name, view in restarted.by_name.items()}
    assert after_crashes == rebuilt
    restarted.close()
    views.close()
    app.close()
