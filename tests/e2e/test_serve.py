"""`tsunagi serve` as a newcomer runs it: the process starts and answers /health."""

from __future__ import annotations

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
        assert response.json() == {"status": "ok"}
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
