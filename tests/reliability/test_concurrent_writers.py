"""Twenty reps' phones record on one account at once, over HTTP, on PostgreSQL."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.reliability.server import serving

VISIT = {"occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問"}


@pytest.mark.postgres
def test_twenty_writers_each_land_once_or_hear_409(postgres_database: str,
                                                  tmp_path: Path) -> None:
    env = {"TSUNAGI_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{postgres_database}",
           "TSUNAGI_POSTGRES_SCHEMA": f"writers_{uuid.uuid4().hex[:8]}"}
    with serving(env, tmp_path) as server:
        manager = {"Authorization": f"Bearer {server.register('tanaka', '田中', 'manager')}"}
        server.register("sato", "佐藤", "rep")  # an account is given only to a registered rep
        auditor = {"Authorization": f"Bearer {server.register('ito', '伊藤', 'auditor')}"}
        account = httpx.post(f"{server.url}/v1/accounts", headers=manager, timeout=10, json={
            "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": 14,
        }).json()["account_id"]
        start = threading.Barrier(20)
        answers: list[tuple[int, dict[str, object]]] = []

        def write(n: int) -> None:
            with httpx.Client(timeout=30) as client:
                start.wait()
                for i in range(5):
                    response = client.post(f"{server.url}/v1/accounts/{account}/visits",
                                           headers=manager,
                                           json={**VISIT, "purpose": f"訪問 {n}-{i}"})
                    answers.append((response.status_code, response.json()))

        started = time.perf_counter()
        threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        elapsed = time.perf_counter() - started

        statuses = [status for status, _ in answers]
        landed = [body for status, body in answers if status == 201]
        print(f"\n20 writers × 5 visits in {elapsed:.1f}s: {statuses.count(201)} × 201, "
              f"{statuses.count(409)} × 409")
        assert len(answers) == 100
        assert set(statuses) <= {201, 409}
        history = httpx.get(f"{server.url}/v1/accounts/{account}/history", headers=auditor,
                            params={"limit": 500}, timeout=10).json()["items"]
        visits = [item for item in history if item["kind"] == "visit_recorded"]
        assert sorted(v["event_id"] for v in visits) == sorted(b["event_id"] for b in landed)  # type: ignore[type-var]
        assert len({v["data"]["purpose"] for v in visits}) == len(visits), "no duplicates"
        assert [item["version"] for item in history] == list(range(1, len(history) + 1))

        etag = httpx.get(f"{server.url}/v1/accounts/{account}", headers=manager,
                         timeout=10).headers["ETag"]
        assert httpx.post(f"{server.url}/v1/accounts/{account}/visits", headers={
            **manager, "If-Match": etag}, json=VISIT, timeout=10).status_code == 201
        stale = httpx.post(f"{server.url}/v1/accounts/{account}/visits", headers={
            **manager, "If-Match": etag}, json=VISIT, timeout=10)
        assert stale.status_code == 412
        after = httpx.get(f"{server.url}/v1/accounts/{account}/history", headers=auditor,
                          params={"limit": 500}, timeout=10).json()["items"]
        assert len(after) == len(history) + 1, "the stale write appended nothing"
