"""`tsunagi import`: 田中課長 checks the 日報 saved by Excel (CP932) with --dry-run, imports
it, and the chain still verifies — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.imports.engine import account_id_of
from api.settings import Settings
from domain.application import Tsunagi
from tests.conftest import postgres_settings, register_cast, 人事の管理者, 田中課長
from tests.e2e.test_serve import run_tsunagi

SAMPLE = Path(__file__).parents[2] / "api/imports/samples/tsunagi-csv.csv"


def test_a_nippo_imported_from_the_command_line(store: Tsunagi, settings: Settings,
                                                tmp_path: Path) -> None:
    register_cast(store)  # 佐藤さん, 鈴木さん, 高橋さん: the reps the 日報 names
    nippo = tmp_path / "日報.csv"
    nippo.write_bytes((SAMPLE.read_text(encoding="utf-8")
                       + "C002,有限会社川口商店,2024/4/5,訪問,yamada,定期訪問,,,,,,N-1\n"
                       ).encode("cp932"))
    env = {"TSUNAGI_DATABASE_URL": settings.database_url,
           "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema}
    users_only = store.recorder.max_notification_id()

    dry = run_tsunagi("import", str(nippo), "--format", "tsunagi-csv", "--dry-run",
                      env=env, cwd=tmp_path)
    assert dry.returncode == 1, dry.stderr  # a row was rejected
    assert "dry run: nothing appended" in dry.stdout
    assert "担当者 yamada は登録されていません" in dry.stdout
    assert store.recorder.max_notification_id() == users_only

    real = run_tsunagi("import", str(nippo), env=env, cwd=tmp_path)
    assert "cp932" in real.stdout
    assert (store.recorder.max_notification_id() or 0) > (users_only or 0)

    verified = run_tsunagi("verify", env=env, cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout
    assert json.loads(verified.stdout)["ok"] is True


def test_a_file_of_another_kind_is_refused_in_one_line(settings: Settings,
                                                       tmp_path: Path) -> None:
    other = tmp_path / "名簿.csv"
    other.write_text("氏名,年齢\n山田,40\n", encoding="utf-8")
    env = {"TSUNAGI_DATABASE_URL": settings.database_url,
           "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema}
    refused = run_tsunagi("import", str(other), env=env, cwd=tmp_path)
    assert refused.returncode == 2
    assert "見出しに 取引先コード、日時、種別、担当者 がありません" in refused.stderr


SAMPLES = SAMPLE.parent


def test_salesforce_activities_imported_with_both_mappings_from_the_command_line(
        store: Tsunagi, settings: Settings, tmp_path: Path) -> None:
    """田中課長 passes the Data Loader export (CP932) with --users and --accounts; without
    --accounts it is refused in one line naming the option, nothing appended."""
    register_cast(store)
    export = tmp_path / "Task.csv"
    export.write_bytes((SAMPLES / "salesforce-activity.csv").read_text(encoding="utf-8")
                       .encode("cp932"))
    users = SAMPLES / "salesforce-activity.users.csv"
    accounts = SAMPLES / "salesforce-activity.accounts.csv"
    env = {"TSUNAGI_DATABASE_URL": settings.database_url,
           "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema}
    users_only = store.recorder.max_notification_id()

    refused = run_tsunagi("import", str(export), "--format", "salesforce-activity",
                          "--users", str(users), env=env, cwd=tmp_path)
    assert refused.returncode == 2, refused.stdout
    assert "対応表 accounts がありません" in refused.stderr
    assert "--accounts" in refused.stderr
    assert store.recorder.max_notification_id() == users_only

    real = run_tsunagi("import", str(export), "--format", "salesforce-activity",
                       "--users", str(users), "--accounts", str(accounts), env=env, cwd=tmp_path)
    assert real.returncode == 0, real.stdout + real.stderr
    assert "cp932" in real.stdout
    assert (store.recorder.max_notification_id() or 0) > (users_only or 0)

    again = run_tsunagi("import", str(export), "--format", "salesforce-activity",
                        "--users", str(users), "--accounts", str(accounts), "--dry-run",
                        env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stdout
    assert "dry run: nothing appended" in again.stdout


def test_cybozu_reports_imported_with_a_users_mapping_from_the_command_line(
        store: Tsunagi, settings: Settings, tmp_path: Path) -> None:
    """山本さん is registered as yamamoto under another name: the mapping says who he is."""
    register_cast(store)
    store.register_user(人事の管理者, user_id="yamamoto", name="山本 太", role="rep")
    reports = tmp_path / "報告書.csv"
    reports.write_bytes(((SAMPLES / "cybozu-report.csv").read_text(encoding="utf-8")
                         + "ご挨拶,山本 太郎,東京営業一課,2024/07/01 18:00,C004/株式会社東和電機,"
                           ",,2024/07/01,10:00,11:00,,,0,,\n").encode("cp932"))
    users = tmp_path / "users.csv"
    users.write_text("名前,user_id\n山本 太郎,yamamoto\n", encoding="utf-8")
    env = {"TSUNAGI_DATABASE_URL": settings.database_url,
           "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema}

    without = run_tsunagi("import", str(reports), "--format", "cybozu-report", "--dry-run",
                          env=env, cwd=tmp_path)
    assert without.returncode == 1, without.stdout  # 山本 太郎 names nobody registered
    assert "作成者名" in without.stdout

    real = run_tsunagi("import", str(reports), "--format", "cybozu-report", "--users",
                       str(users), env=env, cwd=tmp_path)
    assert real.returncode == 0, real.stdout + real.stderr
    assert store.get_account(account_id_of("C004")).owner_rep_id == "yamamoto"


def test_a_store_exported_and_restored_from_the_command_line(
        store: Tsunagi, settings: Settings, tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    """`tsunagi export` of the office's store, `tsunagi import --format tsunagi-jsonl` into
    a new, empty one (a migration): the new store verifies and holds the same events."""
    account = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                 visit_cadence_days=14).account_id
    store.add_note(田中課長, account, text="月末は避ける")
    source = {"TSUNAGI_DATABASE_URL": settings.database_url,
              "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema}
    if settings.database_url.startswith("sqlite"):
        target = {**source, "TSUNAGI_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    else:
        new = postgres_settings(request.getfixturevalue("postgres_database"))
        target = {**source, "TSUNAGI_POSTGRES_SCHEMA": new.postgres_schema}
    backup = tmp_path / "backup.jsonl"
    exported = run_tsunagi("export", "--output", str(backup), env=source, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr

    restored = run_tsunagi("import", str(backup), "--format", "tsunagi-jsonl", env=target,
                           cwd=tmp_path)

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "tsunagi-jsonl" in restored.stdout
    verified = run_tsunagi("verify", env=target, cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout
    assert json.loads(verified.stdout)["events_checked"] == len(
        backup.read_text(encoding="utf-8").splitlines())
