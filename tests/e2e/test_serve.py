"""`tsunagi serve` as a newcomer runs it: the process starts and answers /health."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from api.devserver import TSUNAGI, free_port


def run_tsunagi(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TSUNAGI, *args], env=os.environ | env, cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False)


def test_serve_on_the_sqlite_default_answers_health(tmp_path: Path) -> None:
    port = free_port()
    env = os.environ.copy()
    env.pop("TSUNAGI_DATABASE_URL", None)
    server = subprocess.Popen([TSUNAGI, "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"tsunagi serve did not come up:\n{server.stdout.read()}")  # type: ignore[union-attr]
                time.sleep(0.1)
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
        assert (tmp_path / "data" / "tsunagi.db").is_file(), "the default store is ./data/"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://root@localhost/test", "TSUNAGI_DATABASE_URL: unsupported database URL scheme"),
        ("postgresql://postgres@127.0.0.1:1/test", "cannot open the database at "
                                                   "postgresql://postgres@127.0.0.1:1/test"),
    ],
)
def test_a_bad_database_is_one_clear_line_not_a_traceback(tmp_path: Path, url: str,
                                                          says: str) -> None:
    result = run_tsunagi("serve", env={"TSUNAGI_DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tsunagi: error: ")
    assert says in lines[0]
    assert "Traceback" not in result.stderr


def test_several_workers_need_the_projector_in_its_own_process(tmp_path: Path) -> None:
    result = run_tsunagi("serve", env={"TSUNAGI_WORKERS": "2"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("tsunagi: error: TSUNAGI_WORKERS: several workers need "
                                    "TSUNAGI_PROJECTOR=external")


def test_two_workers_share_the_store_and_the_views(tmp_path: Path) -> None:
    """The PostgreSQL deployment's shape, on SQLite: two API processes, one projector."""
    from api.devserver import serving

    env = {"TSUNAGI_DATABASE_URL": f"sqlite:///{tmp_path / 'tsunagi.db'}",
           "TSUNAGI_WORKERS": "2", "TSUNAGI_PROJECTOR": "external",
           "TSUNAGI_ADMIN_TOKEN": "admin-token", "TSUNAGI_READ_TIMEOUT_SECONDS": "20",
           "TSUNAGI_LOG_JSON": "true"}
    projector = subprocess.Popen([TSUNAGI, "project"], env=os.environ | env, cwd=tmp_path,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with serving(env, tmp_path / "server.log") as url:
            admin = {"Authorization": "Bearer admin-token"}
            manager = httpx.post(f"{url}/v1/users", headers=admin, timeout=10, json={
                "user_id": "tanaka", "name": "田中 課長", "role": "manager"}).json()["token"]
            httpx.post(f"{url}/v1/users", headers=admin, timeout=10, json={
                "user_id": "sato", "name": "佐藤 健", "role": "rep"}).raise_for_status()
            with httpx.Client(base_url=url, timeout=30,
                              headers={"Authorization": f"Bearer {manager}"}) as 田中課長:
                opened = [田中課長.post("/v1/accounts", json={
                    "name": f"株式会社山田製作所 {n}", "owner_rep_id": "sato",
                    "visit_cadence_days": 14}) for n in range(6)]
                assert [r.status_code for r in opened] == [201] * 6
                for response in opened:  # on new connections: either worker may answer
                    account = httpx.get(f"{url}/v1/accounts/{response.json()['account_id']}",
                                        headers={"Authorization": f"Bearer {manager}"},
                                        timeout=30)
                    assert account.status_code == 200, account.text
        log = (tmp_path / "server.log").read_text(encoding="utf-8").splitlines()
        workers = {json.loads(line)["pid"] for line in log if '"worker_started"' in line}
        assert len(workers) == 2, log[-20:]
    finally:
        projector.terminate()
        projector.wait(timeout=15)
