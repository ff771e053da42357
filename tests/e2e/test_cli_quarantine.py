"""`tsunagi rebuild`, `tsunagi status` and `tsunagi quarantine` on a log holding events no
view can apply, as an operator runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from api.settings import Settings
from domain.application import Tsunagi
from tests.conftest import 佐藤さん, 田中課長
from tests.e2e.test_serve import run_tsunagi
from tests.in_process import invoke_tsunagi
from tests.poison import a_visit_in_year_one, an_undecodable_row


def env_of(settings: Settings) -> dict[str, str]:
    return {"TSUNAGI_DATABASE_URL": settings.database_url,
            "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema, "COLUMNS": "200"}


def test_rebuild_completes_and_reports_what_it_quarantined_and_status_and_listing_show_it(
        store: Tsunagi, settings: Settings, tmp_path: Path) -> None:
    yamada = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14).account_id
    poison = a_visit_in_year_one(store, yamada)
    store.record_visit(佐藤さん, yamada, occurred_at=store.clock(), purpose="定期訪問",
                       summary="")
    broken = store.open_account(田中課長, name="田中商事株式会社", owner_rep_id="sato",
                                visit_cadence_days=14).account_id
    an_undecodable_row(store, broken)

    status = invoke_tsunagi("status", env=env_of(settings), cwd=tmp_path)
    assert status.returncode == 0, "behind, but not for a minute yet: " + status.stdout
    assert "relationship" in status.stdout

    # the rebuild in a process of its own, as an operator runs it (its alerts on its stderr);
    # status and the listings run the same commands in this process (a new Python costs
    # seconds each)
    rebuilt = run_tsunagi("rebuild", env=env_of(settings), cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    quarantined = [line for line in rebuilt.stdout.splitlines() if "quarantined" in line]
    count = int(quarantined[0].split()[1])
    assert count >= 6, rebuilt.stdout  # the undecodable row in every view, the visit in some
    assert str(poison)[:8] in rebuilt.stdout
    assert "event_quarantined" in rebuilt.stderr, "each one alerted"

    listed = invoke_tsunagi("quarantine", "--json", env=env_of(settings), cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    entries = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(entries) == count
    assert {e["event_id"] for e in entries} == {str(poison), None}
    assert {e["view"] for e in entries if e["account_id"] == str(broken)} == {
        "relationship", "history", "route", "dossier", "health", "account_list", "team"}

    only_history = invoke_tsunagi("quarantine", "--view", "history", "--account", str(yamada),
                               "--json", env=env_of(settings), cwd=tmp_path)
    assert [json.loads(line)["view"] for line in only_history.stdout.splitlines()] in (
        [], ["history"])

    status = invoke_tsunagi("status", env=env_of(settings), cwd=tmp_path)
    assert status.returncode == 0, status.stdout
    assert "lagging" not in status.stdout
