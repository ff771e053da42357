"""`tsunagi verify`, `tsunagi digest` and `tsunagi export` on a store an attacker touched."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from api.bootstrap import build_application
from api.settings import Settings
from tests.e2e.test_serve import run_tsunagi
from tests.stories import 山田製作所の三年間


def test_verify_finds_what_was_altered_and_the_digest_catches_a_rewrite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tsunagi.db'}"
    store = build_application(Settings(database_url=url))
    account = 山田製作所の三年間()
    store.save(*account.collect_events())
    stored = len(list(store.events.get(account.id)))
    store.close()
    env = {"TSUNAGI_DATABASE_URL": url}

    clean = run_tsunagi("verify", env=env, cwd=tmp_path)
    assert clean.returncode == 0, clean.stderr
    assert json.loads(clean.stdout)["ok"] is True
    digest = run_tsunagi("digest", env=env, cwd=tmp_path).stdout.strip()
    assert run_tsunagi("verify", "--digest", digest, env=env, cwd=tmp_path).returncode == 0

    exported = tmp_path / "timeline.jsonl"
    assert run_tsunagi("export", "--account", str(account.id), "--output", str(exported),
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
    assert run_tsunagi("verify", "--digest", digest, env=env, cwd=tmp_path).returncode == 1
