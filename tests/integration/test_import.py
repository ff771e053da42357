"""Onboarding import (#18) as stories: 田中課長 brings in years of 日報 kept in Excel, on
SQLite and on PostgreSQL. Every row goes through the Account's own commands."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from api.imports import ImportRefused, engine, run_import
from api.imports.engine import account_id_of
from audit.chain import chained
from audit.verify import verify
from domain.account import Account
from domain.application import Tsunagi
from domain.errors import StoreUnavailable
from projections.history import HistoryView
from projections.runner import Projector
from tests.conftest import JST, Clock, register_cast, 人事の管理者, 佐藤さん, 田中課長

SAMPLE = Path(__file__).parents[2] / "api/imports/samples/tsunagi-csv.csv"
HEADER = "取引先コード,取引先名,日時,種別,担当者,件名,内容,相手,次回アクション,期日,結果,元ID\n"
山田製作所 = account_id_of("C001")
川口商店 = account_id_of("C002")


@pytest.fixture
def office(store: Tsunagi) -> Tsunagi:
    register_cast(store)  # the store fixture has done so already; kept for clarity
    return store


def 日報(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def stored(store: Tsunagi) -> int:
    return store.recorder.max_notification_id() or 0


def test_a_nippo_saved_by_excel_in_cp932_imports_its_good_rows_and_names_the_bad_one(
        office: Tsunagi) -> None:
    sample = SAMPLE.read_text(encoding="utf-8")
    bad = "C001,株式会社山田製作所,2024/7/1 10:00,訪問,yamamoto,定期訪問,,,,,,NIPPO-0099\n"
    cp932 = (sample + bad).encode("cp932")

    report = run_import(office, 田中課長, cp932, format="tsunagi-csv")

    assert report.encoding == "cp932"
    assert (report.rows, report.accepted, report.duplicates) == (11, 10, 0)
    [rejected] = report.rejected
    assert rejected.public() == {"row": 12, "errors": [
        {"column": "担当者", "msg": "担当者 yamamoto は登録されていません"}]}
    assert report.accounts_created == 2
    yamada = office.get_account(山田製作所)
    assert (yamada.name, yamada.owner_rep_id) == ("株式会社山田製作所", "suzuki")
    assert yamada.owner_since == datetime(2024, 10, 1, tzinfo=JST)
    assert [p.status for p in yamada.promises.values()] == ["kept"]
    assert office.get_account(川口商店).owner_rep_id == "takahashi"
    assert report.events_appended == len(list(office.events.get(山田製作所))) + len(
        list(office.events.get(川口商店)))
    assert verify(chained(office.recorder), mapper=office.mapper).ok


def test_each_imported_event_says_where_it_came_from_and_starts_the_relationship_on_its_day(
        office: Tsunagi) -> None:
    data = SAMPLE.read_bytes()
    report = run_import(office, 田中課長, data, format="tsunagi-csv")
    [opened, visit, *_] = office.events.get(山田製作所)
    assert isinstance(opened, Account.Opened)
    assert opened.occurred_at == datetime(2024, 4, 1, tzinfo=JST)
    assert (opened.owner_rep_id, opened.recorded_by) == ("sato", "tanaka")
    assert isinstance(visit, Account.VisitRecorded)
    assert (visit.occurred_at, visit.recorded_by) == (datetime(2024, 4, 1, 10, 30, tzinfo=JST),
                                                      "sato")
    assert visit.attendees == ["山田 一郎 部長", "木村 課長"]
    assert visit.source == opened.source == {
        "format": "tsunagi-csv", "row": 2, "external_id": "NIPPO-0001",
        "file_sha256": report.file_sha256, "imported_by": "tanaka"}


def test_the_owner_change_row_is_a_back_dated_completed_handover(office: Tsunagi) -> None:
    run_import(office, 田中課長, SAMPLE.read_bytes(), format="tsunagi-csv")
    kinds = [type(e).__name__ for e in office.events.get(山田製作所)]
    assert kinds[-3:] == ["HandoverInitiated", "HandoverCompleted", "VisitRecorded"]
    completed = list(office.events.get(山田製作所))[-2]
    assert (completed.from_rep_id, completed.to_rep_id) == ("sato", "suzuki")
    assert completed.occurred_at == datetime(2024, 10, 1, tzinfo=JST)


def test_a_rep_who_has_left_keeps_the_history_from_before_he_left(office: Tsunagi,
                                                                  clock: Clock) -> None:
    """佐藤さん left on 2026-11-20: his years on 株式会社山田製作所 (2024) import as his, with
    the account handed to 鈴木さん as the 日報 says; a row of his dated after he left is
    refused, naming the day."""
    office.deactivate_user(人事の管理者, "sato")
    clock.advance(days=1)

    report = run_import(office, 田中課長, SAMPLE.read_bytes() + 日報(
        "C003,大阪物産株式会社,2026/11/20 15:00,訪問,sato,定期訪問,,,,,,NIPPO-0200",
    ).removeprefix(HEADER).encode(), format="tsunagi-csv")

    assert (report.accepted, report.accounts_created) == (10, 2)
    yamada = office.get_account(山田製作所)
    assert (yamada.owner_rep_id, yamada.owner_since) == ("suzuki",
                                                         datetime(2024, 10, 1, tzinfo=JST))
    assert [e.recorded_by for e in office.events.get(山田製作所)][1] == "sato"
    assert [bad.public() for bad in report.rejected] == [{"row": 12, "errors": [
        {"column": "担当者", "msg": "担当者 sato は2026-11-20 から無効になっています"
                                   "（無効になる前の行だけ取り込めます）"}]}]


def test_rows_are_saved_in_batches_and_a_promise_closes_across_them(
        office: Tsunagi, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three rows a transaction: 新カタログ's promise (row 3) and its outcome (row 4) fall in
    two batches, and the outcome still finds the promise; the report counts each row once."""
    monkeypatch.setattr(engine, "BATCH_ROWS", 3)
    saved: list[int] = []
    real_save = office.save_imported_rows
    monkeypatch.setattr(office, "save_imported_rows", lambda accounts, rows: (
        saved.append(len(rows)), real_save(accounts, rows))[1])

    report = run_import(office, 田中課長, SAMPLE.read_bytes(), format="tsunagi-csv")

    assert saved == [3, 3, 3, 1]
    assert (report.accepted, report.rejected, report.accounts_created) == (10, [], 2)
    yamada = office.get_account(山田製作所)
    assert [p.status for p in yamada.promises.values()] == ["kept"]
    assert report.events_appended == len(list(office.events.get(山田製作所))) + len(
        list(office.events.get(川口商店)))
    assert verify(chained(office.recorder), mapper=office.mapper).ok


def test_a_batch_another_writer_got_in_before_is_saved_row_by_row(
        office: Tsunagi, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the 日報 imports, 佐藤さん records a visit on 株式会社山田製作所 live: the batch
    holding that account's next rows cannot be saved whole, so its five rows are saved one
    by one on the account as it now stands — each once, none lost, the live visit kept."""
    monkeypatch.setattr(engine, "BATCH_ROWS", 5)
    one_by_one: list[int] = []
    real_save = office.save_imported
    monkeypatch.setattr(office, "save_imported", lambda account, claim: (
        one_by_one.append(1), real_save(account, claim))[1])

    def meanwhile(done: int, _: int) -> None:
        if done == 6:  # the second batch has begun, nothing of it saved
            office.record_visit(佐藤さん, 山田製作所, purpose="定期訪問", summary="取込の最中に",
                                occurred_at=datetime(2024, 6, 10, 10, tzinfo=JST))

    report = run_import(office, 田中課長, SAMPLE.read_bytes(), format="tsunagi-csv",
                        progress=meanwhile)

    assert len(one_by_one) == 5
    assert (report.accepted, report.rejected, report.duplicates) == (10, [], 0)
    summaries = [e.summary for e in office.events.get(山田製作所)
                 if isinstance(e, Account.VisitRecorded)]
    assert summaries == ["新ラインの立ち上げで忙しそう。雑談は少なめ", "取込の最中に",
                         "鈴木さんの初訪問。部長と雑談"]
    assert report.events_appended == len(list(office.events.get(山田製作所))) - 1 + len(
        list(office.events.get(川口商店)))
    again = run_import(office, 田中課長, SAMPLE.read_bytes(), format="tsunagi-csv")
    assert (again.accepted, again.duplicates) == (0, 10)
    assert verify(chained(office.recorder), mapper=office.mapper).ok


def test_a_store_that_stops_answering_stops_the_import_rather_than_refuse_its_rows(
        office: Tsunagi, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database goes away mid-import: that is not the rows' fault — the import stops
    (503 over HTTP, exit 2 on the CLI) instead of reporting every row as refused, and run
    again it appends each row once."""
    def down(*_: object) -> None:
        raise StoreUnavailable("the event store did not answer")

    monkeypatch.setattr(office, "save_imported_rows", down)
    monkeypatch.setattr(office, "save_imported", down)
    with pytest.raises(StoreUnavailable):
        run_import(office, 田中課長, SAMPLE.read_bytes(), format="tsunagi-csv")
    monkeypatch.undo()
    report = run_import(office, 田中課長, SAMPLE.read_bytes(), format="tsunagi-csv")
    assert (report.accepted, report.duplicates, report.rejected) == (10, 0, [])


def test_a_dry_run_reports_the_same_but_appends_nothing(office: Tsunagi) -> None:
    data = (SAMPLE.read_text(encoding="utf-8")
            + "C001,株式会社山田製作所,0001/1/1,訪問,sato,定期訪問,,,,,,NIPPO-0100\n").encode()
    before = stored(office)

    dry = run_import(office, 田中課長, data, format="tsunagi-csv", dry_run=True)

    assert stored(office) == before
    assert dry.public()["events_appended"] == 0
    assert [bad.public() for bad in dry.rejected] == [{"row": 12, "errors": [
        {"column": "日時",
         "msg": "1900年1月1日から2200年12月31日までの日付にしてください（0001/1/1）"}]}]
    real = run_import(office, 田中課長, data, format="tsunagi-csv")
    assert dry.public()["would_append"] == real.events_appended > 0
    assert dry.public()["would_create_accounts"] == real.accounts_created == 2
    assert (dry.accepted, dry.rejected) == (real.accepted, real.rejected)


def test_the_same_file_twice_appends_once_and_counts_duplicates(office: Tsunagi) -> None:
    first = run_import(office, 田中課長, SAMPLE.read_bytes(), format="tsunagi-csv")
    after_first = stored(office)

    again = run_import(office, 田中課長, SAMPLE.read_bytes(), format="tsunagi-csv")

    assert stored(office) == after_first
    assert (again.accepted, again.events_appended, again.duplicates) == (0, 0, first.accepted)
    assert verify(chained(office.recorder), mapper=office.mapper).ok


def test_a_later_export_overlapping_the_first_adds_only_its_new_rows(office: Tsunagi) -> None:
    sample = SAMPLE.read_text(encoding="utf-8").splitlines()
    run_import(office, 田中課長, "\n".join(sample[:5]).encode(), format="tsunagi-csv")
    later = "\n".join([sample[0], *sample[3:]]).encode("utf-8-sig")  # Excel's UTF-8, with BOM

    report = run_import(office, 田中課長, later, format="tsunagi-csv")

    assert (report.duplicates, report.accepted, report.rejected) == (2, 6, [])
    yamada = office.get_account(山田製作所)
    assert [p.status for p in yamada.promises.values()] == ["kept"]  # closed across files


def test_a_known_source_id_with_other_content_is_reported_not_skipped(office: Tsunagi) -> None:
    run_import(office, 田中課長, SAMPLE.read_bytes(), format="tsunagi-csv")
    changed = 日報("C001,株式会社山田製作所,2024/4/1 10:30,訪問,sato,定期訪問,"
                 "内容を書き換えた,,,,,NIPPO-0001")

    report = run_import(office, 田中課長, changed.encode(), format="tsunagi-csv")

    assert (report.accepted, report.duplicates) == (0, 0)
    [rejected] = report.rejected
    assert rejected.errors[0].column == "元ID"
    assert "NIPPO-0001 は別の内容ですでに取り込まれています" in rejected.errors[0].msg


def test_a_row_is_all_or_nothing(office: Tsunagi) -> None:
    """A new account whose first row is refused is not opened; a promise outcome for a
    promise nobody imported is refused and appends nothing."""
    before = stored(office)  # the cast's registrations
    report = run_import(office, 田中課長, 日報(
        "C003,株式会社北村工業,2024/4/1,約束結果,sato,NIPPO-9999,,,,,守った,NIPPO-0200",
        "C003,株式会社北村工業,2099/4/1,訪問,sato,定期訪問,,,,,,NIPPO-0201",
    ).encode(), format="tsunagi-csv")
    assert [(bad.row, bad.errors[0].column) for bad in report.rejected] == [
        (2, "件名"), (3, "日時")]
    assert stored(office) == before
    assert report.accounts_created == 0


def test_rows_read_full_width_digits_offsets_and_every_kind(office: Tsunagi) -> None:
    report = run_import(office, 田中課長, 日報(
        "C004,株式会社東和電機,２０２４年４月１日 ９:０５,訪問,sato,定期訪問,,,,,,",
        "C004,株式会社東和電機,2024-04-02T01:00:00Z,クレーム,sato,梱包の破損,箱が潰れていた,,,,,",
        "C004,株式会社東和電機,2024/4/3,要望,sato,値下げの打診,来期5%下げてほしい,,,,,",
    ).encode(), format="tsunagi-csv")
    assert report.rejected == []
    [_, visit, complaint, request] = office.events.get(account_id_of("C004"))
    assert visit.occurred_at == datetime(2024, 4, 1, 9, 5, tzinfo=JST)
    assert complaint.occurred_at == datetime(2024, 4, 2, 10, 0, tzinfo=JST)
    assert (request.kind, request.detail) == ("discount", "来期5%下げてほしい")


def test_a_rep_who_does_not_own_the_account_at_that_row_is_refused(office: Tsunagi) -> None:
    report = run_import(office, 田中課長, 日報(
        "C005,有限会社森田,2024/4/1,訪問,sato,定期訪問,,,,,,",
        "C005,有限会社森田,2024/4/2,訪問,takahashi,同行,,,,,,",
    ).encode(), format="tsunagi-csv")
    [bad] = report.rejected
    assert (bad.row, bad.errors[0].column) == (3, "担当者")
    assert "takahashi はこの行の時点でこの取引先の担当ではありません" in bad.errors[0].msg


def test_a_file_that_is_not_a_nippo_is_refused_whole(office: Tsunagi) -> None:
    missing = "見出しに 取引先コード、日時、種別、担当者 がありません"
    before = stored(office)  # the cast's registrations
    with pytest.raises(ImportRefused, match=missing):
        run_import(office, 田中課長, b"a,b\n1,2\n", format="tsunagi-csv")
    with pytest.raises(ImportRefused, match="文字コードを判別できません"):
        run_import(office, 田中課長, b"\xff\xfe\x00\x81\xff", format="tsunagi-csv")
    with pytest.raises(ImportRefused, match="形式 salesforce は扱えません"):
        run_import(office, 田中課長, SAMPLE.read_bytes(), format="salesforce")
    assert stored(office) == before


def test_malformed_csv_rows_are_reported_and_the_rest_imported(office: Tsunagi) -> None:
    report = run_import(office, 田中課長, 日報(
        "C006,株式会社南商事,2024/4/1,訪問,sato,定期訪問,,,,,,",
        "C006,株式会社南商事,2024/4/2,訪問,sato,余分な列,,,,,,,extra",
        "C006,株式会社南商事,2024/4/3,訪問,sato,定期訪問,,,,,,",
    ).encode(), format="tsunagi-csv")
    assert [(bad.row, bad.errors[0].column) for bad in report.rejected] == [(3, None)]
    assert report.accepted == 2


def test_imported_events_show_their_source_in_history(office: Tsunagi,
                                                      projector: Projector) -> None:
    report = run_import(office, 田中課長, SAMPLE.read_bytes(), format="tsunagi-csv")
    projector.catch_up()
    history: HistoryView = projector["history"]  # type: ignore[assignment]
    items = history.page(str(川口商店)).items
    assert [item["source"]["external_id"] for item in items] == [
        "NIPPO-0009", "NIPPO-0009", "NIPPO-0010"]
    assert items[1]["source"]["file_sha256"] == report.file_sha256
    assert "source" not in items[1]["data"]


def test_a_long_nippo_is_read_a_batch_at_a_time_so_memory_stays_flat(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Four times the rows of the same 20 accounts: the peak grows by the file's own text
    and the identities a run must remember, not by every row parsed (it used to hold them
    all: about 1,200–1,500 bytes a row more, real run or dry). Batches of 100 rows here, so
    that a small file already holds several."""
    import tracemalloc

    from bench.harness import store as bench_store
    from bench.imports import IMPORTER, _staffed, nippo

    monkeypatch.setattr(engine, "BATCH_ROWS", 100)

    def peak(rows: int, dry_run: bool) -> int:
        data = nippo(rows, 20)
        with bench_store("sqlite") as (app, _):
            _staffed(app)
            tracemalloc.start()
            try:
                report = run_import(app, IMPORTER, data, format="tsunagi-csv", dry_run=dry_run)
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
                assert report.accepted == rows

    for dry_run in (True, False):
        per_extra_row = (peak(1_200, dry_run) - peak(300, dry_run)) / 900
        assert per_extra_row < 500, (dry_run, per_extra_row)
