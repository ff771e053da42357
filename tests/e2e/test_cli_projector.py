"""`tsunagi project` and `tsunagi rebuild`, run as an operator would."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from api.bootstrap import build_application, build_views
from api.settings import Settings
from projections import VIEW_NAMES
from projections.runner import Views
from tests.e2e.test_serve import TSUNAGI, run_tsunagi
from tests.stories import 山田製作所の三年間


def settings_for(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'tsunagi.db'}")


def started_projector(settings: Settings, tmp_path: Path) -> subprocess.Popen[str]:
    """`tsunagi project` as a process of its own on these settings' store."""
    env = os.environ | {"TSUNAGI_DATABASE_URL": settings.database_url}
    return subprocess.Popen([TSUNAGI, "project"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_project_catches_up_then_follows_until_stopped(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    store = build_application(settings)
    first = 山田製作所の三年間()
    store.save(*first.collect_events())

    projector = started_projector(settings, tmp_path)
    views = Views(store, build_views(store, settings))
    try:
        assert views.caught_up(["relationship", "history", "route", "dossier", "health"],
                               timeout=30), "caught up with the log it found"
        second = 山田製作所の三年間()
        store.save(*second.collect_events())
        assert views.caught_up(["relationship"], timeout=10), "and follows new events"
        assert views["relationship"].document(str(second.id))["owner_rep_id"] == "suzuki"  # type: ignore[attr-defined]
    finally:
        projector.send_signal(signal.SIGTERM)
        _, stderr = projector.communicate(timeout=20)
        views.close()
        store.close()
    assert projector.returncode == 0, stderr
    assert "caught_up" in stderr and "stopped" in stderr


def test_stopped_while_catching_up_it_stops_cleanly(tmp_path: Path) -> None:
    """docker stop while the projector is still catching up with a long log: it finishes
    the batch it is in, does not start following, and exits 0 saying it stopped."""
    settings = settings_for(tmp_path)
    store = build_application(settings)
    for _ in range(3):
        store.save(*山田製作所の三年間().collect_events())
    projector = started_projector(settings, tmp_path)
    views = Views(store, build_views(store, settings))
    try:
        deadline = time.monotonic() + 30
        while max(views.position(name) for name in VIEW_NAMES) == 0:  # catching up begun
            assert time.monotonic() < deadline, "the projector never began"
            time.sleep(0.01)
    finally:
        projector.send_signal(signal.SIGTERM)
        _, stderr = projector.communicate(timeout=60)
        views.close()
        store.close()
    assert projector.returncode == 0, stderr
    assert "stopped" in stderr


def test_rebuild_empties_and_rebuilds_every_view_with_progress(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    store = build_application(settings)
    account = 山田製作所の三年間()
    store.save(*account.collect_events())

    result = run_tsunagi("rebuild", env={"TSUNAGI_DATABASE_URL": settings.database_url,
                                         "COLUMNS": "120"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    head = store.recorder.max_notification_id()
    assert f"from {head} events" in result.stdout
    assert "rebuilding history" in result.stdout

    views = Views(store, build_views(store, settings))
    assert all(views.position(name) == head for name in views.by_name)
    assert views["dossier"].document(str(account.id)) is not None  # type: ignore[attr-defined]
    views.close()
    store.close()


def test_an_unknown_view_is_one_clear_line(tmp_path: Path) -> None:
    result = run_tsunagi("rebuild", "--view", "gossip",
                         env={"TSUNAGI_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
                         cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("tsunagi: error: unknown views ['gossip']")


def test_rebuild_leaves_views_another_projector_leads_alone(tmp_path: Path) -> None:
    """Rebuilding under a running `tsunagi project` would race it: refused in one line
    naming who leads, and nothing is emptied."""
    settings = settings_for(tmp_path)
    store = build_application(settings)
    store.save(*山田製作所の三年間().collect_events())
    projector = started_projector(settings, tmp_path)
    views = Views(store, build_views(store, settings))
    try:
        head = store.recorder.max_notification_id()
        assert views.caught_up(list(views.by_name), timeout=30)
        result = run_tsunagi("rebuild", env={"TSUNAGI_DATABASE_URL": settings.database_url},
                             cwd=tmp_path)
        assert result.returncode == 2, result.stdout
        assert result.stderr.startswith("tsunagi: error: another projector leads "), \
            result.stderr
        assert f"pid {projector.pid}" in result.stderr
        assert all(views.position(name) == head for name in views.by_name), "nothing emptied"
        status = run_tsunagi("status", env={"TSUNAGI_DATABASE_URL": settings.database_url,
                                            "COLUMNS": "250"}, cwd=tmp_path)
        assert status.returncode == 0, status.stdout
        assert status.stdout.count(f"pid {projector.pid}") == len(VIEW_NAMES), status.stdout
    finally:
        projector.send_signal(signal.SIGTERM)
        projector.communicate(timeout=20)
        views.close()
        store.close()
    again = run_tsunagi("rebuild", env={"TSUNAGI_DATABASE_URL": settings.database_url},
                        cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    status = run_tsunagi("status", env={"TSUNAGI_DATABASE_URL": settings.database_url,
                                        "COLUMNS": "250"}, cwd=tmp_path)
    assert status.stdout.count("no projector") == len(VIEW_NAMES), status.stdout
