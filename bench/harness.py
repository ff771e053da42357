"""Timing helpers, stores of a run's own, and the report table."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from api import devserver
from api.bootstrap import build_application
from api.settings import Settings
from domain.account import Account
from domain.application import Tsunagi
from domain.values import Actor, Role

MANAGER = Actor("tanaka", Role.MANAGER)
REP = Actor("sato", Role.REP)
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "test"}


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline


def report(figures: list[Figure]) -> str:
    lines = [f"{'figure':<48} {'value':>12} {'baseline':>12} {'ratio':>7}  target"]
    for f in figures:
        baseline = f"{f.baseline:,.1f}" if f.baseline is not None else "—"
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "—"
        verdict = "" if f.met is None else (" ✓" if f.met else " ✗ missed")
        lines.append(f"{f.name:<48} {f.value:>10,.1f}{f.unit:>2} {baseline:>12} {ratio:>7}  "
                     f"{f.target}{verdict}")
        if f.baseline_name:
            lines.append(f"{'':<48}   baseline: {f.baseline_name}")
    return "\n".join(lines)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds per call."""
    return timed_side_by_side({"action": action}, repeat)["action"]


def timed_side_by_side(actions: dict[str, Callable[[], object]],
                       repeat: int) -> dict[str, list[float]]:
    """Milliseconds per call of each action, taking turns, so that whatever else the machine
    does meanwhile (the projector folding the last writes, another tenant) weighs on each
    alike and a ratio between them shows the actions, not the moment each ran in."""
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


@contextmanager
def store(backend: str) -> Iterator[tuple[Tsunagi, Settings]]:
    """A store of this run's own: a temporary SQLite file or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            settings = Settings(database_url=f"sqlite:///{Path(directory) / 'bench.db'}")
            app = build_application(settings)
            try:
                yield app, settings
            finally:
                app.close()
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:5432/test",
                        postgres_schema=schema, postgres_pool_size=20)
    app = build_application(settings)
    try:
        yield app, settings
    finally:
        app.close()
        with psycopg.connect(**PG, autocommit=True) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def an_account_with(events: int, *, seed: int = 0) -> Account:
    """A busy account: visits, notes, promises made and kept, in one long history."""
    start = datetime(2020, 1, 1, tzinfo=UTC)
    account = Account.open(MANAGER, start, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=7)
    open_promises: list[str] = []
    n = seed
    while account.version < events:
        moment = start + timedelta(hours=n)
        if n % 3 == 0:
            account.record_visit(REP, moment, occurred_at=moment, purpose="定期訪問",
                                 summary="特に問題なし", attendees=["山田 部長"],
                                 small_talk=n % 2 == 0)
        elif n % 3 == 1:
            account.add_note(REP, moment, text=f"メモ {n}")
        elif open_promises and n % 2 == 0:
            account.close_promise(REP, moment, promise_id=open_promises.pop(), outcome="kept")
        else:
            open_promises.append(account.make_promise(
                REP, moment, description="見積りを送る", made_to="山田部長",
                due_date=(moment + timedelta(days=3)).date()))
        n += 1
    return account



@contextmanager
def serving(settings: Settings, admin_token: str = "bench-admin",
            projector: str = "inprocess") -> Iterator[str]:
    """`tsunagi serve` in a second process on loopback; yields its base URL. With
    ``projector="external"``, views are kept by a `tsunagi project` process of their own,
    as docker compose deploys it."""
    env = {"TSUNAGI_DATABASE_URL": settings.database_url,
           "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema,
           "TSUNAGI_ADMIN_TOKEN": admin_token, "TSUNAGI_LOG_JSON": "true",
           "TSUNAGI_PROJECTOR": projector}
    with tempfile.TemporaryDirectory() as directory, \
            _projecting(env, external=projector == "external"), \
            devserver.serving(env, Path(directory) / "server.log") as url:
        yield url


@contextmanager
def _projecting(env: dict[str, str], *, external: bool) -> Iterator[None]:
    if not external:
        yield
        return
    process = subprocess.Popen([devserver.TSUNAGI, "project"], env=os.environ | env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)
