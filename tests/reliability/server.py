"""A real `tsunagi serve` process on loopback, for tests that need HTTP over a socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

TSUNAGI = str(Path(sys.executable).with_name("tsunagi"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    admin_token: str
    log: Path

    def logged_statuses(self) -> list[int]:
        import json

        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["status"] for line in lines
                if line.startswith("{") and '"event": "request"' in line]

    def register(self, user_id: str, name: str, role: str) -> str:
        response = httpx.post(f"{self.url}/v1/users", json={
            "user_id": user_id, "name": name, "role": role},
            headers={"Authorization": f"Bearer {self.admin_token}"}, timeout=10)
        response.raise_for_status()
        return str(response.json()["token"])


@contextmanager
def serving(env: dict[str, str], cwd: Path, admin_token: str = "reliability-admin"
            ) -> Iterator[Server]:
    port = free_port()
    log = (cwd / f"server-{port}.log").open("w")  # a pipe nobody reads would fill and block
    process = subprocess.Popen(
        [TSUNAGI, "serve", "--port", str(port)], cwd=cwd, text=True,
        env=os.environ | env | {"TSUNAGI_ADMIN_TOKEN": admin_token, "TSUNAGI_LOG_JSON": "true"},
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"tsunagi serve did not start: {Path(log.name).read_text()}")
        time.sleep(0.1)
    try:
        yield Server(url, process, admin_token, Path(log.name))
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
