"""While the app serves, the garbage collector leaves what startup built alone and collects
the youngest generation less often; once it stops, the process is as it was before."""

from __future__ import annotations

import gc
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import YOUNG_GENERATION_THRESHOLD, create_app
from tests.conftest import sqlite_settings


def test_while_the_app_serves_startup_is_frozen_and_young_collections_are_rarer(
        tmp_path: Path) -> None:
    before = gc.get_threshold()
    assert before[0] < YOUNG_GENERATION_THRESHOLD, "rarer than the interpreter's default"

    with TestClient(create_app(sqlite_settings(tmp_path))) as client:
        assert client.get("/health").status_code == 200
        assert gc.get_threshold() == (YOUNG_GENERATION_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0

    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
