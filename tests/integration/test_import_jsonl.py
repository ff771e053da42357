"""Restoring a store from its own export (#18, ``tsunagi-jsonl``), on SQLite and PostgreSQL.

The office's store (A) has lived three years of 株式会社山田製作所 — 佐藤さん's visits, a
handover to 鈴木さん, a correction — and took in an Excel 日報. 人事の管理者 exports it and
restores it into a new, empty store (B): every dossier reads the same there and the chain
verifies. The same file again appends nothing; a line changed by hand is named."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from api.bootstrap import build_application, build_views
from api.imports import run_import
from api.imports import tsunagi_jsonl as jsonl
from api.settings import Settings
from audit.chain import chain_link, chained, event_hash
from audit.export import stream, timeline
from audit.verify import verify
from domain.application import Tsunagi
from domain.errors import NotPermitted
from projections.dossier import DossierView, present
from projections.relationship import RelationshipView
from projections.runner import Projector
from tests.conftest import Clock, postgres_settings, sqlite_settings, 人事の管理者, 田中課長
from tests.three_years import jst, 三年間

NIPPO = Path(__file__).parents[2] / "api/imports/samples/tsunagi-csv.csv"
FORMAT = "tsunagi-jsonl"


@pytest.fixture
def exported(store: Tsunagi, clock: Clock) -> bytes:
    """Store A's whole export: the cast, three years, a handover, a correction, a 日報."""
    三年間(store, clock)
    run_import(store, 田中課長, NIPPO.read_bytes(), format="tsunagi-csv")
    return export_of(store)


@pytest.fixture
def restored_settings(settings: Settings, tmp_path: Path,
                      request: pytest.FixtureRequest) -> Settings:
    """An empty store B on the same backend as A."""
    if settings.database_url.startswith("sqlite"):
        return sqlite_settings(tmp_path / "restored")
    return postgres_settings(request.getfixturevalue("postgres_database"))


@pytest.fixture
def target(restored_settings: Settings, clock: Clock) -> Iterator[Tsunagi]:
    app = build_application(restored_settings, clock=clock)
    yield app
    app.close()


def export_of(app: Tsunagi) -> bytes:
    return "".join(stream(timeline(chained(app.recorder), app.mapper), "jsonl")).encode()


def lines_of(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode().splitlines()]


def file_of(lines: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def stored(app: Tsunagi) -> int:
    return app.recorder.max_notification_id() or 0


def accounts_in(data: bytes) -> list[str]:
    return [line["account_id"] for line in lines_of(data) if line["kind"] == "account_opened"]


def views_of(app: Tsunagi, settings: Settings) -> dict[str, Any]:
    """Each account's dossier (as read on 2026-11-20) and relationship, once the views of
    ``app`` have caught up."""
    projector = Projector(app, build_views(app, settings))
    try:
        projector.catch_up()
        dossiers: DossierView = projector["dossier"]  # type: ignore[assignment]
        relationships: RelationshipView = projector["relationship"]  # type: ignore[assignment]
        found = {}
        for account_id in accounts_in(export_of(app)):
            document = dossiers.document(account_id)
            assert document is not None
            found[account_id] = (present(document, jst(2026, 11, 20)),
                                 relationships.document(account_id))
        return found
    finally:
        projector.stop()
        projector.close()


def test_an_export_restored_into_an_empty_store_reads_the_same_and_verifies(
        store: Tsunagi, settings: Settings, exported: bytes, target: Tsunagi,
        restored_settings: Settings) -> None:
    report = run_import(target, 人事の管理者, exported, format=FORMAT)

    rows = len(lines_of(exported))
    assert (report.rows, report.accepted, report.events_appended) == (rows, rows, rows)
    assert (report.rejected, report.duplicates, report.accounts_created) == ([], 0, 4)
    assert export_of(target) == exported, "the same events, versions, ids, times and hashes"
    assert verify(chained(target.recorder), mapper=target.mapper).ok
    assert chained(target.recorder).head() == chained(store.recorder).head()
    yamada = UUID(accounts_in(exported)[0])
    assert target.get_account(yamada).owner_rep_id == "suzuki"
    assert target.is_rep("suzuki"), "the users came with it"
    before, after = views_of(store, settings), views_of(target, restored_settings)
    assert len(before) == 4
    assert after == before, "every dossier and relationship reads the same in B"


def test_a_dry_run_reports_the_restore_and_appends_nothing(exported: bytes,
                                                           target: Tsunagi) -> None:
    dry = run_import(target, 人事の管理者, exported, format=FORMAT, dry_run=True)

    assert stored(target) == 0
    rows = len(lines_of(exported))
    assert dry.public()["would_append"] == rows
    assert dry.public()["would_create_accounts"] == 4
    assert (dry.public()["events_appended"], dry.rejected) == (0, [])


def test_the_same_export_twice_appends_once_and_counts_duplicates(
        exported: bytes, target: Tsunagi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "BATCH_LINES", 40)  # several transactions
    first = run_import(target, 人事の管理者, exported, format=FORMAT)
    after_first = stored(target)

    again = run_import(target, 人事の管理者, exported, format=FORMAT)

    assert stored(target) == after_first
    assert (again.accepted, again.events_appended, again.rejected) == (0, 0, [])
    assert again.duplicates == first.accepted == len(lines_of(exported))
    assert verify(chained(target.recorder), mapper=target.mapper).ok


def test_a_later_export_adds_only_what_is_new(store: Tsunagi, exported: bytes,
                                              target: Tsunagi) -> None:
    run_import(target, 人事の管理者, exported, format=FORMAT)
    yamada = UUID(accounts_in(exported)[0])
    store.add_note(田中課長, yamada, text="引き継ぎ後も月末は避ける")

    later = run_import(target, 人事の管理者, export_of(store), format=FORMAT)

    assert (later.accepted, later.duplicates) == (1, len(lines_of(exported)))
    assert export_of(target) == export_of(store)


def test_a_batch_another_writer_got_in_before_is_taken_again_line_by_line(
        exported: bytes, target: Tsunagi, monkeypatch: pytest.MonkeyPatch) -> None:
    """While B is being restored, 田中課長 adds a note to 株式会社山田製作所 in B: the batch
    holding that account's next lines cannot be saved whole, so it is taken line by line.
    The note is kept; the exported event at its version is reported, the next one does not
    link to B's chain, and the later ones then miss a version; every other line is
    restored once."""
    monkeypatch.setattr(jsonl, "BATCH_LINES", 20)
    lines = lines_of(exported)
    yamada = accounts_in(exported)[0]
    theirs = [i + 1 for i, x in enumerate(lines) if x["account_id"] == yamada]
    assert theirs[0] < 20 and theirs[-1] > 40

    def meanwhile(done: int, _: int) -> None:
        if done == 25:  # the second batch has begun, nothing of it saved
            target.add_note(田中課長, UUID(yamada), text="取込の最中に")

    report = run_import(target, 人事の管理者, exported, format=FORMAT, progress=meanwhile)

    landed = target.get_account(UUID(yamada)).version
    noted = next(x for x in lines_of(export_of(target))
                 if x["account_id"] == yamada and x["kind"] == "note_added"
                 and x["data"]["text"] == "取込の最中に")
    later = [row for row in theirs if lines[row - 1]["version"] >= noted["version"]]
    assert [bad.row for bad in report.rejected] == later
    [taken, grafted, *gaps] = [bad.errors[0] for bad in report.rejected]
    assert (taken.column, grafted.column) == ("version", "chain_hash")
    assert "別の内容の記録がすでにあります" in taken.msg
    assert all(gap.column == "version" and "がありません" in gap.msg for gap in gaps)
    assert landed == noted["version"]
    assert report.accepted == len(lines) - len(later)
    assert verify(chained(target.recorder), mapper=target.mapper).ok


def _visit_line(lines: list[dict[str, Any]]) -> int:
    return next(i for i, line in enumerate(lines) if line["kind"] == "visit_recorded")


def test_a_line_changed_by_hand_is_reported_not_skipped(exported: bytes,
                                                        target: Tsunagi) -> None:
    """Someone rewrites what 佐藤さん wrote of a visit, in the restored file: in the data
    alone, then in the state too, then with its chain hash recomputed — each is named."""
    run_import(target, 人事の管理者, exported, format=FORMAT)
    lines = lines_of(exported)
    at = _visit_line(lines)
    line = lines[at]

    data_only = {**line, "data": {**line["data"], "summary": "書き換えた"}}
    state = json.loads(line["state"])
    state["summary"] = "書き換えた"
    both = {**data_only, "state": json.dumps(state, ensure_ascii=False,
                                             separators=(",", ":"))}
    previous = bytes.fromhex(next(x["chain_hash"] for x in lines
                                  if x["account_id"] == line["account_id"]
                                  and x["version"] == line["version"] - 1))
    rechained = {**both, "chain_hash": chain_link(previous, event_hash(
        line["account_id"], line["version"], line["topic"], both["state"].encode())).hex()}
    before = stored(target)

    report = run_import(target, 人事の管理者, file_of([data_only, both, rechained]),
                        format=FORMAT)

    assert stored(target) == before
    assert (report.accepted, report.duplicates) == (0, 0)
    assert [(bad.row, bad.errors[0].column) for bad in report.rejected] == [
        (1, "data"), (2, "chain_hash"), (3, "version")]
    assert "data が state の内容と合いません" in report.rejected[0].errors[0].msg
    assert "取引先の版 " in report.rejected[2].errors[0].msg
    assert "別の内容の記録がすでにあります" in report.rejected[2].errors[0].msg


def test_bad_lines_are_named_and_the_rest_restored(exported: bytes, target: Tsunagi) -> None:
    """A line cut short, bytes that are not UTF-8, a line the export could not read, an
    unknown kind, and a hole left by a lost line: each is an error of its own line, and
    every other line is restored."""
    lines = lines_of(exported)
    lost = _visit_line(lines)
    account, version = lines[lost]["account_id"], lines[lost]["version"]
    next_of_account = next(i for i, x in enumerate(lines)
                           if x["account_id"] == account and x["version"] == version + 1)
    text = file_of(lines[:lost] + lines[lost + 1:])
    cut = file_of([lines[-1]])[:80] + b"\n"
    unreadable = {**lines[-1], "unreadable": "state does not decode", "version": 999}
    unknown = {**lines[-1], "topic": "os:system", "version": 999}
    report = run_import(target, 人事の管理者, text + cut + b"\xff\xfe{}\n" + file_of(
        [unreadable, unknown]), format=FORMAT)

    n = len(lines) - 1  # lines in the file before the bad ones
    gap = next_of_account  # 1-based: the line after the lost one moved up by one
    rejected = {bad.row: bad.errors[0] for bad in report.rejected}
    assert set(rejected) >= {gap, n + 1, n + 2, n + 3, n + 4}
    assert (rejected[gap].column, rejected[n + 1].column) == ("version", None)
    assert f"版 {version} " in rejected[gap].msg or f"版 {version}〜" in rejected[gap].msg
    assert "JSON として読めません" in rejected[n + 1].msg
    assert "UTF-8 として読めません" in rejected[n + 2].msg
    assert rejected[n + 3].column == "unreadable"
    assert rejected[n + 4].column == "topic"
    later_of_account = sum(1 for x in lines if x["account_id"] == account
                           and x["version"] > version)
    assert len(report.rejected) == 4 + later_of_account  # the hole stops that account there
    assert report.accepted == n - later_of_account
    assert verify(chained(target.recorder), mapper=target.mapper).ok


def test_a_line_its_aggregate_does_not_accept_is_refused(exported: bytes,
                                                         target: Tsunagi) -> None:
    """A promise kept that was never made: the account's own mutator refuses it."""
    lines = lines_of(exported)
    opened = next(x for x in lines if x["kind"] == "account_opened")
    kept = next(x for x in lines if x["kind"] == "promise_kept")
    replaced = {**kept, "account_id": opened["account_id"], "version": 2, "chain_hash": None}
    report = run_import(target, 人事の管理者, file_of([opened, replaced]), format=FORMAT)

    assert report.accepted == 1
    [bad] = report.rejected
    assert (bad.row, bad.errors[0].column) == (2, "data")
    assert "取引先の状態に適用できません" in bad.errors[0].msg
    assert len(list(target.events.get(UUID(opened["account_id"])))) == 1


def test_a_line_whose_state_lacks_a_field_of_its_event_is_refused(exported: bytes,
                                                                  target: Tsunagi) -> None:
    lines = lines_of(exported)
    line = lines[_visit_line(lines)]
    state = json.loads(line["state"])
    del state["summary"]
    data = {k: v for k, v in line["data"].items() if k != "summary"}
    report = run_import(target, 人事の管理者, file_of([{
        **line, "state": json.dumps(state, ensure_ascii=False), "data": data,
        "chain_hash": None}]), format=FORMAT)
    assert [(bad.row, bad.errors[0].column, bad.errors[0].msg)
            for bad in report.rejected] == [(1, "state", "state に summary がありません")]


def test_only_an_admin_restores(exported: bytes, target: Tsunagi) -> None:
    with pytest.raises(NotPermitted):
        run_import(target, 田中課長, exported, format=FORMAT)
    assert stored(target) == 0


RELEASES = sorted(p for p in (Path(__file__).parents[1] / "compat/releases").iterdir()
                  if p.is_dir())


@pytest.mark.parametrize("release", RELEASES, ids=[p.name for p in RELEASES])
def test_a_store_written_by_an_earlier_release_restores_whole(release: Path,
                                                              tmp_path: Path) -> None:
    """Events stored before ``source`` existed read upcast and are stored in today's form:
    the same events (a second restore finds each one there), a chain that verifies."""
    shutil.copy(release / "tsunagi.db", tmp_path / "old.db")
    old = build_application(Settings(database_url=f"sqlite:///{tmp_path / 'old.db'}"))
    new = build_application(sqlite_settings(tmp_path / "new"))
    try:
        data = export_of(old)
        report = run_import(new, 人事の管理者, data, format=FORMAT)
        assert (report.rejected, report.accepted) == ([], len(lines_of(data)))
        assert verify(chained(new.recorder), mapper=new.mapper).ok
        assert [(x["event_id"], x["data"]) for x in lines_of(export_of(new))] == [
            (x["event_id"], x["data"]) for x in lines_of(data)]
        again = run_import(new, 人事の管理者, data, format=FORMAT)
        assert (again.duplicates, again.rejected) == (report.accepted, [])
    finally:
        old.close()
        new.close()
