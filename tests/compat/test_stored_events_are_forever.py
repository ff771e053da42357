"""Stored events are forever: every release's store still opens with today's code.

Each directory under tests/compat/releases/ is a small store written by one release
(tests/compat/make_fixture.py): every stored event kind at least once, its views as that
release built them. Each is opened here on SQLite (a copy of the release's own file, views
and all) and on PostgreSQL (its rows loaded exactly as stored, hashes included), and:
every account reads over HTTP (view, history, dossier), the chains verify, the views rebuilt
from it equal the release's where their shape is unchanged, and a new visit appends.
When a release changes events, add its fixture beside these; never delete one.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from fastapi.testclient import TestClient
from psycopg.sql import SQL, Identifier

from api.bootstrap import build_application, build_views
from api.main import create_app
from api.settings import Settings
from audit.chain import ChainedPostgresApplicationRecorder, chained
from audit.verify import Digest, verify
from domain.account import Account
from domain.application import Tsunagi
from domain.values import Actor, Role
from projections import VIEW_NAMES
from projections.runner import Projector
from tests.compat.catalogue import stored_event_classes
from tests.conftest import JST, Clock, postgres_settings, sqlite_settings

RELEASES_DIRECTORY = Path(__file__).parent / "releases"
RELEASES = sorted(p for p in RELEASES_DIRECTORY.iterdir() if p.is_dir())
ADMIN = Actor("admin", Role.ADMIN)
OPENED = get_topic(Account.Opened)


@dataclass
class Release:
    """One release's fixture, as committed."""

    directory: Path
    rows: list[dict[str, Any]]
    views: dict[str, Any]

    @classmethod
    def read(cls, directory: Path) -> Release:
        rows = [json.loads(line) for line in
                (directory / "stored_events.jsonl").read_text(encoding="utf-8").splitlines()]
        views = json.loads((directory / "views.json").read_text(encoding="utf-8"))
        return cls(directory, rows, views)

    @property
    def events(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["table"] == "events"]

    @property
    def accounts(self) -> list[UUID]:
        return [UUID(r["originator_id"]) for r in self.events if r["topic"] == OPENED]

    def versions(self, account_id: UUID) -> int:
        return max(r["originator_version"] for r in self.events
                   if r["originator_id"] == str(account_id))


@dataclass
class Opened:
    """A release's store, opened by today's code on one backend."""

    release: Release
    app: Tsunagi
    settings: Settings


@pytest.fixture(params=RELEASES, ids=[p.name for p in RELEASES])
def release(request: pytest.FixtureRequest) -> Release:
    return Release.read(request.param)


@pytest.fixture
def today() -> Clock:
    """Every release's store was written before now."""
    return Clock(datetime.now(JST).replace(microsecond=0))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def opened(request: pytest.FixtureRequest, release: Release, tmp_path: Path,
           today: Clock) -> Iterator[Opened]:
    if request.param == "sqlite":
        shutil.copyfile(release.directory / "tsunagi.db", tmp_path / "tsunagi.db")
        settings = sqlite_settings(tmp_path)
        app = build_application(settings, clock=today)
    else:
        settings = postgres_settings(request.getfixturevalue("postgres_database"))
        app = build_application(settings, clock=today)
        load_as_stored(app, release.rows)
    yield Opened(release, app, settings)
    app.close()


def load_as_stored(app: Tsunagi, rows: list[dict[str, Any]]) -> None:
    """The release's rows into today's PostgreSQL tables, in notification order, with the
    hashes the release computed (not recomputed: verify must find them right)."""
    recorder = chained(app.recorder)
    assert isinstance(recorder, ChainedPostgresApplicationRecorder)
    events = sorted((r for r in rows if r["table"] == "events"),
                    key=lambda r: r["notification_id"])
    insert = SQL("INSERT INTO {}.{} (originator_id, originator_version, topic, state, "
                 "chain_hash, log_hash) VALUES (%s, %s, %s, %s, %s, %s)").format(
        Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
    with recorder.datastore.transaction(commit=True) as cursor:
        for r in events:
            cursor.execute(insert, (UUID(r["originator_id"]), r["originator_version"],
                                    r["topic"], r["state"].encode("utf-8"),
                                    bytes.fromhex(r["chain_hash"]),
                                    bytes.fromhex(r["log_hash"])))
    assert app.snapshots is not None
    app.snapshots.recorder.insert_events([
        StoredEvent(UUID(r["originator_id"]), r["originator_version"], r["topic"],
                    r["state"].encode("utf-8"))
        for r in rows if r["table"] == "snapshots"])


# ---------------------------------------------------------------------- the fixtures


def test_the_newest_fixture_holds_every_stored_event_kind_of_today() -> None:
    """A new event class needs a new fixture (python -m tests.compat.make_fixture)."""
    newest = Release.read(RELEASES[-1])
    stored = {r["topic"] for r in newest.events}
    missing = sorted(set(stored_event_classes()) - stored)
    assert not missing, (
        f"{newest.directory.name} holds no {missing}: write a fixture for this release with "
        "`python -m tests.compat.make_fixture --release <date>-<branch>-<version> --out "
        "tests/compat/releases/<that name>` (after making it write the new kind), beside "
        "the older ones")
    snapshots = [r for r in newest.rows if r["table"] == "snapshots"]
    assert any(json.loads(r["state"])["topic"] == get_topic(Account) for r in snapshots), \
        "an Account snapshot"


def test_every_fixture_names_the_release_that_wrote_it() -> None:
    for directory in RELEASES:
        about = json.loads((directory / "fixture.json").read_text(encoding="utf-8"))
        assert about["release"] == directory.name
        assert len(about["commit"]) == 40
        assert (directory / "tsunagi.db").stat().st_size > 0
        assert (directory / "export.jsonl").read_text(encoding="utf-8").count("\n") == \
            len(Release.read(directory).events)


# ---------------------------------------------------------------------- today's code


def test_the_chains_the_release_stored_still_verify(opened: Opened) -> None:
    recorder = chained(opened.app.recorder)
    last = opened.release.events[-1]
    result = verify(recorder, mapper=opened.app.mapper,
                    expected_digest=Digest(last["notification_id"], last["log_hash"]))
    assert result.ok, result.as_dict()
    assert result.events_checked == len(opened.release.events)
    assert result.digest_matches
    for account_id in opened.release.accounts:
        assert verify(recorder, account_id=account_id, mapper=opened.app.mapper).ok


def test_every_account_reads_whole_from_its_events_and_snapshot(opened: Opened) -> None:
    for account_id in opened.release.accounts:
        account = opened.app.get_account(account_id)
        assert account.version == opened.release.versions(account_id)
        replayed = list(opened.app.readable_events(account_id))
        assert len(replayed) == account.version, "every stored event reads"


def test_every_account_reads_over_http(opened: Opened) -> None:
    settings = Settings(**{**opened.settings.model_dump(), "admin_token": "admin-token"})
    manager = {"Authorization": f"Bearer {opened.app.issue_token(ADMIN, 'tanaka')}"}
    with TestClient(create_app(settings, application=opened.app)) as client:
        for account_id in opened.release.accounts:
            version = opened.release.versions(account_id)
            view = client.get(f"/v1/accounts/{account_id}", headers=manager)
            assert view.status_code == 200, view.text
            assert view.json()["version"] == version
            assert "incomplete" not in view.json()
            assert read_history(client, manager, account_id) == list(range(1, version + 1))
            dossier = client.get(f"/v1/accounts/{account_id}/dossier", headers=manager)
            assert dossier.status_code == 200, dossier.text
            assert dossier.json()["tenures"]
            printable = client.get(f"/v1/accounts/{account_id}/dossier",
                                   headers={**manager, "Accept": "text/markdown"})
            assert printable.status_code == 200, printable.text
            assert view.json()["name"] in printable.text


def read_history(client: TestClient, headers: dict[str, str], account_id: UUID) -> list[int]:
    versions: list[int] = []
    cursor = ""
    while True:
        page = client.get(f"/v1/accounts/{account_id}/history",
                          params={"limit": 500, **({"cursor": cursor} if cursor else {})},
                          headers=headers)
        assert page.status_code == 200, page.text
        assert "incomplete" not in page.json()
        versions += [item["version"] for item in page.json()["items"]]
        cursor = page.json().get("next_cursor") or ""
        if not cursor:
            return versions


@pytest.mark.parametrize("view_name", VIEW_NAMES)
def test_views_rebuilt_from_the_store_equal_the_views_its_release_built(
        opened: Opened, view_name: str) -> None:
    built = opened.release.views.get(view_name)
    if built is None:
        pytest.skip(f"{opened.release.directory.name} had no {view_name} view")
    projector = Projector(opened.app, build_views(opened.app, opened.settings, [view_name]))
    try:
        view = projector.by_name[view_name]
        if view.shape != built["shape"]:
            pytest.skip(f"{view_name} changed shape since {opened.release.directory.name} "
                        f"({built['shape']} → {view.shape}): its rows are not comparable")
        projector.rebuild([view_name])
        assert comparable(view.dump()) == comparable(built["tables"])
    finally:
        projector.close()


def comparable(tables: dict[str, Any]) -> dict[str, list[str]]:
    """Rows as JSON text (as the fixture stored them), in one order on either backend, a
    BOOLEAN column's value as SQLite keeps it (0 or 1; PostgreSQL answers false or true)."""
    def plain(value: Any) -> Any:
        return int(value) if isinstance(value, bool) else value

    return {table: sorted(json.dumps([plain(v) for v in row], ensure_ascii=False, default=str)
                          for row in rows)
            for table, rows in json.loads(json.dumps(tables, default=str)).items()}


def test_the_owner_records_a_new_visit_on_every_account(opened: Opened,
                                                        today: Clock) -> None:
    settings = Settings(**{**opened.settings.model_dump(), "admin_token": "admin-token"})
    with TestClient(create_app(settings, application=opened.app)) as client:
        for account_id in opened.release.accounts:
            version = opened.release.versions(account_id)
            owner = opened.app.read_account(account_id).owner_rep_id
            headers = {"Authorization": f"Bearer {opened.app.issue_token(ADMIN, owner)}"}
            visited = client.post(f"/v1/accounts/{account_id}/visits", headers=headers, json={
                "occurred_at": (today.now - timedelta(hours=1)).isoformat(),
                "purpose": "定期訪問", "summary": "新しいリリースで初めての訪問",
                "attendees": [], "small_talk": True})
            assert visited.status_code == 201, visited.text
            assert visited.json()["version"] == version + 1
            view = client.get(f"/v1/accounts/{account_id}", headers=headers)
            assert view.json()["version"] == version + 1
            assert read_history(client, headers, account_id)[-1] == version + 1
    assert verify(chained(opened.app.recorder), mapper=opened.app.mapper).ok
