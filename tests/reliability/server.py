"""A real `tsunagi serve` process on loopback, with an admin to register people."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from api import devserver


@dataclass
class Server:
    url: str
    admin_token: str
    log: Path

    def register(self, user_id: str, name: str, role: str) -> str:
        response = httpx.post(f"{self.url}/v1/users", json={
            "user_id": user_id, "name": name, "role": role},
            headers={"Authorization": f"Bearer {self.admin_token}"}, timeout=10)
        response.raise_for_status()
        return str(response.json()["token"])

    def logged_statuses(self) -> list[int]:
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["status"] for line in lines
                if line.startswith("{") and '"event": "request"' in line]


@contextmanager
def serving(env: dict[str, str], cwd: Path, admin_token: str = "reliability-admin"
            ) -> Iterator[Server]:
    log = cwd / f"server-{devserver.free_port()}.log"
    settings = env | {"TSUNAGI_ADMIN_TOKEN": admin_token, "TSUNAGI_LOG_JSON": "true"}
    with devserver.serving(settings, log, cwd=cwd) as url:
        yield Server(url, admin_token, log)
