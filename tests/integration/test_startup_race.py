"""API workers and the projector start together on an empty PostgreSQL schema (docker
compose up): each creates the tables it needs, and none of them fails for it."""

from __future__ import annotations

import threading

import pytest

from api.bootstrap import build_application, build_views
from tests.conftest import postgres_settings


@pytest.mark.postgres
def test_processes_starting_together_on_an_empty_schema_all_start(
        postgres_database: str) -> None:
    settings = postgres_settings(postgres_database, postgres_pool_size=1)
    starting = threading.Barrier(6)
    failures: list[BaseException] = []

    def start() -> None:
        starting.wait()
        try:
            application = build_application(settings)
            views = build_views(application, settings)
            views[0].view.datastore.close()  # type: ignore[attr-defined]
            application.close()
        except BaseException as exc:  # every failure is the finding
            failures.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
