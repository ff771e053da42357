"""A newcomer's first `make run`: an empty store, no TSUNAGI_ADMIN_TOKEN. The server registers
the first admin and prints its token once; with it the newcomer registers 田中課長. The next
start prints nothing, and the store keeps only the token's hash."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx

from api.bootstrap import FIRST_ADMIN
from api.devserver import serving

TOKEN = re.compile(rf"^\s+({FIRST_ADMIN}\.\S+)$", re.MULTILINE)


def test_最初の起動で管理者のトークンが一度だけ表示される(tmp_path: Path) -> None:
    env = {"TSUNAGI_DATABASE_URL": f"sqlite:///{tmp_path / 'tsunagi.db'}"}
    assert "TSUNAGI_ADMIN_TOKEN" not in os.environ
    with serving(env, tmp_path / "first.log") as url:
        said = (tmp_path / "first.log").read_text(encoding="utf-8")
        (token,) = TOKEN.findall(said)
        admin = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{url}/v1/users/me", headers=admin).json()["role"] == "admin"
        tanaka = httpx.post(f"{url}/v1/users", headers=admin, json={
            "user_id": "tanaka", "name": "田中 課長", "role": "manager"})
        assert tanaka.status_code == 201, tanaka.text

    with serving(env, tmp_path / "second.log") as url:
        assert TOKEN.findall((tmp_path / "second.log").read_text(encoding="utf-8")) == []
        assert httpx.get(f"{url}/v1/users/me", headers=admin).status_code == 200
    stored = (tmp_path / "tsunagi.db").read_bytes()
    assert token.split(".", 1)[1].encode() not in stored, "only the hash is kept"


def test_管理者トークンを設定していれば誰も作らない(tmp_path: Path) -> None:
    env = {"TSUNAGI_DATABASE_URL": f"sqlite:///{tmp_path / 'tsunagi.db'}",
           "TSUNAGI_ADMIN_TOKEN": "set-by-the-operator"}
    with serving(env, tmp_path / "serve.log") as url:
        assert TOKEN.findall((tmp_path / "serve.log").read_text(encoding="utf-8")) == []
        users = httpx.get(f"{url}/v1/users",
                          headers={"Authorization": "Bearer set-by-the-operator"}).json()
        assert users["items"] == []
