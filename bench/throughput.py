"""P1: appends per second over HTTP, 8 clients on 8 accounts, beside pgbench in the same run.

The baseline is the physical limit of this machine's PostgreSQL for our write: pgbench
inserting one event-shaped row per transaction. Tsunagi is measured as deployed with
PostgreSQL: `tsunagi serve` workers and one `tsunagi project` process, loaded from other
processes over loopback.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg

from api import devserver
from api.protocol import HEADER_TIMEOUT_SECONDS
from bench.harness import PG, Figure, p50

CLIENTS = 8
EVENT_ROW = """\
INSERT INTO {schema}.stored_events (originator_id, originator_version, topic, state)
VALUES (gen_random_uuid(), 1, 'domain.account:Account.VisitRecorded', decode('{state}', 'hex'));
"""


def pgbench_tps(clients: int, seconds: int) -> float:
    """Single-row insert transactions per second, with this many pgbench clients."""
    schema = f"pgbench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(**PG, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'CREATE TABLE "{schema}".stored_events (notification_id BIGSERIAL '
                     "PRIMARY KEY, originator_id UUID NOT NULL, originator_version INTEGER "
                     "NOT NULL, topic TEXT NOT NULL, state BYTEA, "
                     "UNIQUE (originator_id, originator_version))")
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
            script.write(EVENT_ROW.format(schema=schema, state=os.urandom(300).hex()))
        result = subprocess.run(
            ["pgbench", "-n", "-h", str(PG["host"]), "-p", str(PG["port"]),
             "-U", str(PG["user"]),
             "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds),
             "-f", script.name, str(PG["dbname"])],
            capture_output=True, text=True, check=True, timeout=seconds + 60)
        found = re.search(r"tps = ([\d.]+)", result.stdout)
        if found is None:
            raise RuntimeError(f"pgbench printed no tps:\n{result.stdout}\n{result.stderr}")
        return float(found.group(1))
    finally:
        os.unlink(script.name)
        with psycopg.connect(**PG, autocommit=True) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@dataclass
class Load:
    appended: int
    failed: int
    seconds: float
    latencies_ms: list[float]
    client_cpu_seconds: float = 0.0  # what the load generator itself used
    machine_busy: float = 0.0  # share of all cores busy during the load, 0..1

    @property
    def per_second(self) -> float:
        return self.appended / self.seconds

    @property
    def client_ms_per_append(self) -> float:
        return self.client_cpu_seconds * 1000 / max(self.appended, 1)


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies over all cores, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _client(url: str, token: str, account_id: str, seconds: float, ready: Any,
            go: Any, results: Any) -> None:
    """One rep recording visits on one account as fast as the server answers.

    The standard library's HTTP client on one kept-alive connection: the load generator
    shares this machine's two cores with what it measures, and httpx used ~1.1 ms of CPU
    per request where this uses a fraction of that (printed with the figure).
    """
    appended = failed = 0
    latencies = []
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port,
                                            timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    path = f"/v1/accounts/{account_id}/visits"
    body = json.dumps({"occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問",
                       "summary": "特に問題なし"}).encode()
    connection.request("GET", "/health")  # connected before the clock starts
    connection.getresponse().read()
    ready.put(os.getpid())
    go.wait()
    cpu_started = time.process_time()
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        started = time.perf_counter()
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status == 201:
            appended += 1
        else:
            failed += 1
    connection.close()
    results.put((appended, failed, latencies, time.process_time() - cpu_started))


def load(url: str, token: str, accounts: list[str], seconds: float) -> Load:
    """One client process per account, started together once all are connected."""
    context = multiprocessing.get_context("spawn")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    clients = [context.Process(target=_client,
                               args=(url, token, account, seconds, ready, go, results))
               for account in accounts]
    for process in clients:
        process.start()
    for _ in clients:
        ready.get(timeout=120)
    busy, total = _cpu_times()
    started = time.perf_counter()
    go.set()
    collected = [results.get(timeout=seconds + 120) for _ in clients]
    elapsed = time.perf_counter() - started
    busy_after, total_after = _cpu_times()
    for process in clients:
        process.join()
    return Load(appended=sum(c[0] for c in collected), failed=sum(c[1] for c in collected),
                seconds=elapsed, latencies_ms=[x for c in collected for x in c[2]],
                client_cpu_seconds=sum(c[3] for c in collected),
                machine_busy=(busy_after - busy) / max(total_after - total, 1))


@contextmanager
def deployed(workers: int, pool_size: int, projector: bool = True) -> Iterator[str]:
    """API workers and one projector process on a PostgreSQL schema of this run's own."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    env = {"TSUNAGI_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
           "TSUNAGI_POSTGRES_SCHEMA": schema, "TSUNAGI_POSTGRES_POOL_SIZE": str(pool_size),
           "TSUNAGI_WORKERS": str(workers), "TSUNAGI_PROJECTOR": "external",
           "TSUNAGI_ADMIN_TOKEN": "bench-admin", "TSUNAGI_LOG_JSON": "true",
           "TSUNAGI_READ_TIMEOUT_SECONDS": "60"}
    with tempfile.TemporaryDirectory() as directory:
        following = subprocess.Popen(
            [devserver.TSUNAGI, "project"] if projector else ["sleep", "infinity"],
            env=os.environ | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with devserver.serving(env, Path(directory) / "server.log") as url:
                yield url
        finally:
            following.terminate()
            following.wait(timeout=30)
            with psycopg.connect(**PG, autocommit=True) as conn:  # type: ignore[arg-type]
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def tsunagi_appends(workers: int, seconds: float, projector: bool = True) -> Load:
    with deployed(workers, pool_size=CLIENTS, projector=projector) as url:
        admin = {"Authorization": "Bearer bench-admin"}

        def token(user_id: str, role: str) -> str:
            return str(httpx.post(f"{url}/v1/users", headers=admin, timeout=30, json={
                "user_id": user_id, "name": user_id, "role": role}).json()["token"])

        manager = {"Authorization": f"Bearer {token('tanaka', 'manager')}"}
        rep = token("sato", "rep")
        accounts = [str(httpx.post(f"{url}/v1/accounts", headers=manager, timeout=30, json={
            "name": f"株式会社山田製作所 第{n}工場", "owner_rep_id": "sato",
            "visit_cadence_days": 14}).json()["account_id"]) for n in range(CLIENTS)]
        load(url, rep, accounts, min(seconds, 2))  # warm: connections, caches
        return load(url, rep, accounts, seconds)


def floor_command(workers: int) -> Callable[[int], list[str]]:
    """bench.floor served as `tsunagi serve` serves: same protocol class and workers."""

    def command(port: int) -> list[str]:
        return [sys.executable, "-c",
                "import uvicorn; from api.protocol import guarded; "
                f"uvicorn.run('bench.floor:app', host='127.0.0.1', port={port}, "
                f"workers={workers}, http=guarded({HEADER_TIMEOUT_SECONDS}), log_level='warning', "
                "access_log=False)"]

    return command


def floor_appends(workers: int, seconds: float) -> Load:
    accounts = [str(uuid.uuid4()) for _ in range(CLIENTS)]
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as directory, devserver.serving(
            {"PYTHONPATH": str(root)}, Path(directory) / "floor.log", cwd=root,
            command=floor_command(workers)) as url:
        load(url, "floor", accounts, min(seconds, 2))  # warm
        return load(url, "floor", accounts, seconds)


def throughput_figures(seconds: int, worker_counts: tuple[int, ...]) -> list[Figure]:
    one, eight = pgbench_tps(1, seconds), pgbench_tps(CLIENTS, seconds)
    figures = [Figure("P1 pgbench, 1 client, single-row insert", one, "/s",
                      target="the physical limit, for reference")]
    for workers in worker_counts:
        floor = floor_appends(workers, seconds)
        figures.append(Figure(
            f"P1 HTTP floor: FastAPI POST recording nothing, {workers} worker(s)",
            floor.per_second, "/s", baseline=eight,
            baseline_name=f"pgbench, {CLIENTS} clients (p50 {p50(floor.latencies_ms):.1f} ms; "
                          f"cores {floor.machine_busy:.0%} busy)",
            target="the web stack's own ceiling here, for reference"))
        measured = tsunagi_appends(workers, seconds)
        figures.append(Figure(
            f"P1 HTTP appends, {CLIENTS} clients, {workers} worker(s)", measured.per_second,
            "/s", baseline=eight,
            baseline_name=f"pgbench, {CLIENTS} clients, single-row insert tps "
                          f"(p50 append {p50(measured.latencies_ms):.1f} ms, "
                          f"{measured.failed} failed; cores {measured.machine_busy:.0%} busy, "
                          f"the load generator alone {measured.client_ms_per_append:.2f} ms "
                          f"CPU per append; {measured.per_second / floor.per_second:.2f} × "
                          "the floor above)",
            target="≥ 0.5 × pgbench", met=measured.per_second >= 0.5 * eight
            and measured.failed == 0))
    return figures
