"""Shared fixtures: a clock we control and a store on each backend.

PostgreSQL is never skipped: when it is down the run starts it, and when that fails the
run fails loudly. Each test run gets its own database, each test its own schema in it.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from api.bootstrap import build_application, build_views
from api.settings import Settings
from domain.application import Tsunagi
from domain.errors import UserNotFound
from domain.values import Actor, Role
from projections.runner import Projector

JST = timezone(timedelta(hours=9))
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "test"}

# The cast of our stories.
田中課長 = Actor("tanaka", Role.MANAGER)
佐藤さん = Actor("sato", Role.REP)
鈴木さん = Actor("suzuki", Role.REP)
高橋さん = Actor("takahashi", Role.REP)
監査の伊藤さん = Actor("ito", Role.AUDITOR)
# Who they are as registered: an account is given only to a registered, active rep.
CAST_NAMES = {"tanaka": "田中 課長", "sato": "佐藤 健", "suzuki": "鈴木 一郎",
              "takahashi": "高橋 花子", "ito": "伊藤 監査"}
THE_CAST = (田中課長, 佐藤さん, 鈴木さん, 高橋さん, 監査の伊藤さん)
人事の管理者 = Actor("admin", Role.ADMIN)


def register_cast(app: Tsunagi, cast: tuple[Actor, ...] = THE_CAST) -> dict[str, str]:
    """Register the people of our stories (those not registered yet); their tokens by
    user id (an already registered person keeps their token and is left out)."""
    tokens = {}
    for person in cast:
        try:
            app.get_user(person.user_id)
        except UserNotFound:
            _, token = app.register_user(人事の管理者, user_id=person.user_id,
                                         name=CAST_NAMES[person.user_id],
                                         role=person.role.value)
            tokens[person.user_id] = token or ""
    return tokens


class Clock:
    """Now, as the test says it is."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 20, 10, 0, tzinfo=JST))


def _postgres_answers() -> bool:
    try:
        with psycopg.connect(**PG, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _start_postgres() -> str:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions:
        return "no PostgreSQL cluster in /etc/postgresql"
    result = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
        capture_output=True, text=True, check=False,
    )
    return (result.stderr or result.stdout).strip()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of this run's own, created on first use and dropped at the end."""
    if not _postgres_answers():
        said = _start_postgres()
        deadline = time.monotonic() + 30
        while not _postgres_answers():
            if time.monotonic() > deadline:
                pytest.fail(
                    f"PostgreSQL at 127.0.0.1:5432 is down and could not be started ({said}); "
                    "storage tests need it and are never skipped",
                    pytrace=False,
                )
            time.sleep(0.5)
    name = f"tsunagi_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(**PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_settings(database: str, **overrides: object) -> Settings:
    """A schema of its own; small pools, so many stores at once stay within max_connections."""
    return Settings(**{  # type: ignore[arg-type]
        "database_url": f"postgresql://postgres@127.0.0.1:5432/{database}",
        "postgres_schema": f"t_{uuid.uuid4().hex[:12]}",
        "postgres_pool_size": 2,
        **overrides,
    })


def sqlite_settings(tmp_path: Path, **overrides: object) -> Settings:
    """The embedded default, in a file of this test's own."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'tsunagi.db'}", **overrides)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """The same test on the embedded SQLite default and on PostgreSQL."""
    if request.param == "postgres":
        return postgres_settings(request.getfixturevalue("postgres_database"))
    return sqlite_settings(tmp_path)


@pytest.fixture
def empty_store(settings: Settings, clock: Clock) -> Iterator[Tsunagi]:
    """A store with nobody registered in it."""
    app = build_application(settings, clock=clock)
    yield app
    app.close()


@pytest.fixture
def cast_tokens(empty_store: Tsunagi) -> dict[str, str]:
    """The cast registered in the store: each one's bearer token by user id."""
    return register_cast(empty_store)


@pytest.fixture
def store(empty_store: Tsunagi, cast_tokens: dict[str, str]) -> Tsunagi:
    """A store where the cast of our stories is registered (so accounts can be theirs)."""
    return empty_store


@pytest.fixture
def projector(store: Tsunagi, settings: Settings) -> Iterator[Projector]:
    """Every view on the store's backend, driven by the test (no background threads)."""
    running = Projector(store, build_views(store, settings))
    yield running
    running.stop()
    running.close()
