"""P6 and P7 on one large PostgreSQL store: the demo fills it (P7, timed), then the API's
memory is read with every event stored (P6), and the projector's as it works through them.

Processes are measured from outside, as an operator would: wall time of `tsunagi demo`,
and VmRSS from /proc of `tsunagi serve` and `tsunagi project`.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg

from api import devserver
from bench.harness import PG, Figure
from projections import VIEW_NAMES


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


@contextmanager
def large_store() -> Iterator[dict[str, str]]:
    schema = f"large_{uuid.uuid4().hex[:10]}"
    env = {"TSUNAGI_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
           "TSUNAGI_POSTGRES_SCHEMA": schema, "TSUNAGI_PROJECTOR": "external",
           "TSUNAGI_LOG_JSON": "true", "TSUNAGI_ADMIN_TOKEN": "bench-admin"}
    try:
        yield env
    finally:
        with psycopg.connect(**PG, autocommit=True) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _sql(env: dict[str, str], query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(**PG) as conn:  # type: ignore[arg-type]
        conn.execute(f'SET search_path TO "{env["TSUNAGI_POSTGRES_SCHEMA"]}"')
        return list(conn.execute(query).fetchall())


def demo(env: dict[str, str], accounts: int) -> tuple[float, int, str]:
    """P7: seconds to fill the store, events recorded, the manager's token."""
    started = time.perf_counter()
    result = subprocess.run([devserver.TSUNAGI, "demo", "--accounts", str(accounts)],
                            env=os.environ | env, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    events = int(re.search(r"recorded (\d+) events", result.stdout).group(1))  # type: ignore[union-attr]
    token = re.search(r"token for tanaka: (\S+)", result.stdout).group(1)  # type: ignore[union-attr]
    return seconds, events, token


def api_rss(env: dict[str, str], token: str, accounts: int) -> float:
    """P6: the API's RSS after writing once to each of ``accounts`` accounts (each loads
    that account's history into the aggregate cache), with every event stored."""
    ids = [str(row[0]) for row in _sql(
        env, "SELECT originator_id FROM tsunagi_events WHERE originator_version = 1 AND "
             f"topic = 'domain.account:Account.Opened' LIMIT {accounts}")]
    with tempfile.TemporaryDirectory() as directory, \
            devserver.serving(env, Path(directory) / "server.log") as url:
        pid = int(subprocess.run(["pgrep", "-f", f"serve --port {url.rsplit(':', 1)[1]}"],
                                 capture_output=True, text=True).stdout.split()[0])
        with httpx.Client(base_url=url, timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            for account_id in ids:
                client.post(f"/v1/accounts/{account_id}/visits", json={
                    "occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問",
                    "summary": "特に問題なし"}).raise_for_status()
        return rss_mb(pid)


def projector_rss(env: dict[str, str], events: int, early: int) -> tuple[float, float]:
    """P6: the projector's RSS when every view has passed ``early`` events, and at the end."""
    process = subprocess.Popen([devserver.TSUNAGI, "project"], env=os.environ | env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        first = last = 0.0
        while process.poll() is None:
            time.sleep(1)
            try:
                reached = min(int(_sql(env, f"SELECT COALESCE(MAX(notification_id), 0) "
                                            f"FROM {view}_tracking")[0][0])  # type: ignore[call-overload]
                              for view in VIEW_NAMES)
            except psycopg.Error:
                continue  # the projector is still creating its tables
            if reached >= early and not first:
                first = rss_mb(process.pid)
            if reached >= events:
                last = rss_mb(process.pid)
                break
        return first, last
    finally:
        process.terminate()
        process.wait(timeout=30)


def large_figures(accounts: int, early: int, touched: int) -> list[Figure]:
    with large_store() as env:
        seconds, events, token = demo(env, accounts)
        api = api_rss(env, token, touched)
        first, last = projector_rss(env, events, early)
    return [
        Figure(f"P7 tsunagi demo --accounts {accounts:,} ({events:,} events)", seconds, "s",
               target="< 600 s", met=seconds < 600),
        Figure(f"P6 API RSS, {events:,} events stored, {touched:,} accounts written",
               api, "MB", target="< 200 MB", met=api < 200),
        Figure(f"P6 projector RSS after {events:,} events", last, "MB", baseline=first,
               baseline_name=f"its RSS after {early:,} events",
               target="flat (ratio ≤ 1.2)", met=bool(first) and last / first <= 1.2),
    ]
