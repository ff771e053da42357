"""`tsunagi verify`, `tsunagi digest` and `tsunagi export` on a store an attacker touched."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

from api.bootstrap import build_application
from api.settings import Settings
from tests.e2e.test_serve import run_tsunagi
from tests.in_process import invoke_tsunagi
from tests.integration.test_tamper import RawEvents, row_of
from tests.stories import 山田製作所の三年間


def test_verify_finds_what_was_altered_and_the_digest_catches_a_rewrite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tsunagi.db'}"
    store = build_application(Settings(database_url=url))
    account = 山田製作所の三年間()
    store.save(*account.collect_events())
    stored = len(list(store.events.get(account.id)))
    store.close()
    env = {"TSUNAGI_DATABASE_URL": url}

    # the verify that finds the alteration runs in a process of its own (exit 1 through the
    # installed entry point); the others run the same commands in this process
    clean = invoke_tsunagi("verify", env=env, cwd=tmp_path)
    assert clean.returncode == 0, clean.stderr
    assert json.loads(clean.stdout)["ok"] is True
    digest = invoke_tsunagi("digest", env=env, cwd=tmp_path).stdout.strip()
    assert invoke_tsunagi("verify", "--digest", digest, env=env, cwd=tmp_path).returncode == 0

    exported = tmp_path / "timeline.jsonl"
    assert invoke_tsunagi("export", "--account", str(account.id), "--output", str(exported),
                          env=env, cwd=tmp_path).returncode == 0
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [line["version"] for line in lines] == list(range(1, stored + 1))

    with sqlite3.connect(tmp_path / "tsunagi.db") as conn:
        conn.execute("UPDATE stored_events SET state = replace(state, "
                     "CAST('年間保守' AS BLOB), CAST('年間無料' AS BLOB))")
    altered = run_tsunagi("verify", env=env, cwd=tmp_path)
    assert altered.returncode == 1
    report = json.loads(altered.stdout)
    renewal = next(x for x in lines if x["kind"] == "contract_renewed")
    assert report["first_bad_event_id"] == renewal["event_id"]
    assert invoke_tsunagi("verify", "--digest", digest, env=env, cwd=tmp_path).returncode == 1


def test_verify_and_export_name_unreadable_and_missing_rows(settings: Settings,
                                                            tmp_path: Path) -> None:
    store = build_application(settings)
    yamada, nakamura, watanabe = 山田製作所の三年間(), 山田製作所の三年間(), 山田製作所の三年間()
    for account in (yamada, nakamura, watanabe):
        store.save(*account.collect_events())
    store.close()
    raw = RawEvents(settings)
    truncated = row_of(raw, yamada.id, 5)
    raw.update(truncated[0], "state", bytes(truncated[4])[:40])
    last = row_of(raw, nakamura.id, nakamura.version)
    raw.delete(last[0])
    env = {"TSUNAGI_DATABASE_URL": settings.database_url,
           "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema}

    def verified(*args: str) -> dict[str, Any]:
        result = invoke_tsunagi("verify", *args, env=env, cwd=tmp_path)
        assert result.returncode in (0, 1), result.stderr
        report = dict(json.loads(result.stdout))
        assert result.returncode == (0 if report["ok"] else 1)
        return report

    mine = verified("--account", str(yamada.id))
    assert mine["first_bad_event_id"] == f"{yamada.id}/5"
    assert mine["first_bad"]["unreadable"].startswith("state does not decode")
    gone = verified("--account", str(nakamura.id))
    assert gone["first_bad"]["version"] == nakamura.version
    assert gone["first_bad"]["missing_notification_ids"] == [last[0], last[0]]
    assert verified("--account", str(watanabe.id))["ok"] is True
    whole = verified()
    assert whole["problem_count"] == 2
    assert [p["notification_id"] for p in whole["problems"]] == [
        truncated[0], row_of(raw, watanabe.id, 1)[0]]

    excel = tmp_path / "store.csv"
    exported = invoke_tsunagi("export", "--format", "csv", "--bom", "--output", str(excel),
                              env=env, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(excel.read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(raw.rows())
    assert [(int(r["notification_id"]), r["unreadable"]) for r in rows if r["unreadable"]] \
        == [(truncated[0], mine["first_bad"]["unreadable"])]
    # the timeline streamed to stdout by a process of its own; the verifies and the CSV
    # export above ran the same commands in this process (a new Python costs seconds each)
    lines = run_tsunagi("export", "--account", str(yamada.id), env=env, cwd=tmp_path)
    assert lines.returncode == 0, lines.stderr
    assert [(x["version"], x["unreadable"]) for x in map(json.loads, lines.stdout.splitlines())
            if x["unreadable"]] == [(5, mine["first_bad"]["unreadable"])]
