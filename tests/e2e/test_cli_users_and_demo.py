"""`tsunagi user add` and `tsunagi demo`, then signing in with what they printed."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from tests.e2e.test_serve import run_tsunagi
from tests.in_process import invoke_tsunagi


def test_demo_fills_the_store_and_its_people_can_sign_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tsunagi.db'}"
    result = run_tsunagi("demo", "--accounts", "5", "--seed", "7",
                         env={"TSUNAGI_DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "recorded" in result.stdout and "on 5 accounts" in result.stdout
    tokens = dict(line.removeprefix("token for ").split(": ") for line in
                  result.stdout.splitlines() if line.startswith("token for "))
    assert set(tokens) == {"tanaka", "sato", "ito"}

    # the demo above ran as a process of its own; these run the same commands in this process
    added = invoke_tsunagi("user", "add", "watanabe", "--name", "渡辺 大輔",
                           env={"TSUNAGI_DATABASE_URL": url}, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    again = invoke_tsunagi("user", "add", "watanabe", "--name", "渡辺 大輔",
                           env={"TSUNAGI_DATABASE_URL": url}, cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr.strip() == "tsunagi: error: user_id: user watanabe already exists"

    settings = Settings(database_url=url)
    with TestClient(create_app(settings)) as client:
        mine = client.get("/v1/accounts",
                          headers={"Authorization": f"Bearer {tokens['sato']}"}).json()
        assert mine["items"] and all(
            "sato" in (a["owner_rep_id"], a["successor_rep_id"]) for a in mine["items"])
        everyone = client.get("/v1/accounts",
                              headers={"Authorization": f"Bearer {tokens['ito']}"}).json()
        assert len(everyone["items"]) == 5
        names = {a["name"] for a in everyone["items"]}
        assert all(name.startswith("株式会社") for name in names)
        me = client.get("/v1/users/me",
                        headers={"Authorization": f"Bearer {added.stdout.strip()}"})
        assert me.json() == {"user_id": "watanabe", "name": "渡辺 大輔", "role": "rep"}

    same_seed = tmp_path / "again"
    same_seed.mkdir()
    replay = invoke_tsunagi("demo", "--accounts", "5", "--seed", "7",
                            env={"TSUNAGI_DATABASE_URL": f"sqlite:///{same_seed / 'tsunagi.db'}"},
                            cwd=same_seed)
    recorded = [line for line in result.stdout.splitlines() if line.startswith("recorded")]
    assert recorded == [line for line in replay.stdout.splitlines()
                        if line.startswith("recorded")], "same seed, same story"
