"""PostgreSQL stops under write load and starts again; nothing acknowledged is lost.

During the outage the API answers 503 with Retry-After (never 500, never a hang past its
budget) and /health says unavailable; afterwards it recovers without a restart. Every
acknowledged write is stored once; every unacknowledged one, retried with its
Idempotency-Key, is stored once too.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.reliability.server import serving

# Stops PostgreSQL, or times what every core is free for: never beside other tests.
pytestmark = pytest.mark.serial

# A write makes at most three store calls (idempotency key, account, insert); in an outage
# each gives up after one retry of a 2 s connection wait: 3 × 2 × (2 s + 0.2 s) ≈ 13 s,
# plus a connection the stop broke mid-call. The budget a client should allow: 18 s.
REQUEST_BUDGET_SECONDS = 18
CLUSTER = sorted(os.listdir("/etc/postgresql"))[-1] if os.path.isdir("/etc/postgresql") else ""


def pg_ctl(action: str) -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", CLUSTER, "main", action,
                    *(["-m", "fast"] if action == "stop" else [])], check=True, timeout=60)


@pytest.mark.slow
@pytest.mark.postgres
def test_an_outage_loses_nothing_and_heals_itself(postgres_database: str,
                                                   tmp_path: Path) -> None:
    env = {"TSUNAGI_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{postgres_database}",
           "TSUNAGI_POSTGRES_SCHEMA": f"outage_{uuid.uuid4().hex[:8]}"}
    with serving(env, tmp_path) as server:
        manager = {"Authorization": f"Bearer {server.register('tanaka', '田中', 'manager')}"}
        server.register("sato", "佐藤", "rep")  # an account is given only to a registered rep
        account = httpx.post(f"{server.url}/v1/accounts", headers=manager, timeout=10, json={
            "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": 14,
        }).json()["account_id"]
        url = f"{server.url}/v1/accounts/{account}/visits"
        stop = threading.Event()
        outcomes: list[dict[str, Any]] = []

        def write(worker: int) -> None:
            with httpx.Client(timeout=REQUEST_BUDGET_SECONDS + 5) as client:
                n = 0
                while not stop.is_set():
                    key = f"w{worker}-{n}"
                    started = time.monotonic()
                    try:
                        response = client.post(url, headers={**manager, "Idempotency-Key": key},
                                               json={"occurred_at": "2026-11-20T09:00:00+09:00",
                                                     "purpose": f"訪問 {key}"})
                        outcome = {"key": key, "status": response.status_code,
                                   "retry_after": response.headers.get("Retry-After"),
                                   "body": response.json()}
                    except httpx.HTTPError as exc:
                        outcome = {"key": key, "status": None, "error": repr(exc)}
                    outcome["seconds"] = time.monotonic() - started
                    outcomes.append(outcome)
                    n += 1
                    time.sleep(0.05)

        workers = [threading.Thread(target=write, args=(w,)) for w in range(4)]
        for worker in workers:
            worker.start()
        time.sleep(1.5)
        pg_ctl("stop")
        try:
            time.sleep(1)
            health = httpx.get(f"{server.url}/health", timeout=REQUEST_BUDGET_SECONDS)
            time.sleep(4)
        finally:
            pg_ctl("start")
        time.sleep(3)
        stop.set()
        for worker in workers:
            worker.join(60)

        statuses = [o["status"] for o in outcomes]
        slowest = max(o["seconds"] for o in outcomes)
        print(f"\n{len(outcomes)} writes: {statuses.count(201)} × 201, "
              f"{statuses.count(503)} × 503, {statuses.count(None)} transport errors; "
              f"slowest {slowest:.1f}s")
        assert health.status_code == 503 and health.headers["Retry-After"]
        assert set(statuses) <= {201, 503}, "never a 500"
        assert statuses.count(503) >= 1
        assert all(o["retry_after"] for o in outcomes if o["status"] == 503)
        assert slowest < REQUEST_BUDGET_SECONDS
        assert httpx.get(f"{server.url}/health", timeout=10).status_code == 200

        for outcome in outcomes:  # the client retries what was not acknowledged
            if outcome["status"] != 201:
                retried = httpx.post(url, headers={**manager, "Idempotency-Key": outcome["key"]},
                                     json={"occurred_at": "2026-11-20T09:00:00+09:00",
                                           "purpose": f"訪問 {outcome['key']}"}, timeout=30)
                assert retried.status_code == 201, retried.text
        history = httpx.get(f"{server.url}/v1/accounts/{account}/history", headers=manager,
                            params={"limit": 500}, timeout=30).json()["items"]
        visits = [item["data"]["purpose"] for item in history if item["kind"] == "visit_recorded"]
        assert sorted(visits) == sorted(f"訪問 {o['key']}" for o in outcomes), \
            "each write stored exactly once"
        acknowledged = {o["body"]["event_id"] for o in outcomes if o["status"] == 201}
        assert acknowledged <= {item["event_id"] for item in history}
        assert [item["version"] for item in history] == list(range(1, len(history) + 1))
