"""Schemathesis against /openapi.json of a real server on PostgreSQL, signed in, with its
default checks: at least 1,000 generated cases and zero failures."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.reliability.server import serving

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


# CPython 3.11's ast.parse can raise this spuriously when threads parse at once
# (python/cpython#106905); hypothesis parses lambdas inside schemathesis's workers. It says
# nothing about our API, so such a run, and only such a run, is repeated once.
INTERPRETER_FLAKE = "AST constructor recursion depth mismatch"


def schemathesis(url: str, token: str, *filters: str, examples: int) -> tuple[int, str]:
    command = [SCHEMATHESIS, "--no-color", "--config-file", str(CONFIG), "run",
               f"{url}/openapi.json", "-H", f"Authorization: Bearer {token}",
               "--max-examples", str(examples), "--workers", "2", "--seed", "20261123",
               *filters]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    if result.returncode != 0 and INTERPRETER_FLAKE in result.stdout:
        print(f"schemathesis hit {INTERPRETER_FLAKE!r}; running it again")
        result = subprocess.run(command, capture_output=True, text=True, timeout=900,
                                check=False)
    generated = re.search(r"(\d+) generated", result.stdout)
    print(result.stdout[-1500:])
    assert result.returncode == 0, result.stdout[-6000:]
    assert generated, result.stdout[-2000:]
    return int(generated.group(1)), result.stdout


@pytest.mark.slow
@pytest.mark.postgres
def test_schemathesis_finds_nothing(postgres_database: str, tmp_path: Path) -> None:
    env = {"TSUNAGI_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{postgres_database}",
           "TSUNAGI_POSTGRES_SCHEMA": f"fuzz_{uuid.uuid4().hex[:8]}"}
    with serving(env, tmp_path) as server:
        manager = server.register("tanaka", "田中 課長", "manager")
        rep = server.register("sato", "佐藤 健", "rep")
        auditor = server.register("ito", "伊藤 監査", "auditor")
        httpx.post(f"{server.url}/v1/accounts", json={
            "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": 14},
            headers={"Authorization": f"Bearer {manager}"}, timeout=10).raise_for_status()
        total = 0
        total += schemathesis(server.url, manager, examples=25)[0]
        total += schemathesis(server.url, rep, "--include-path-regex", "^/v1/reps/me",
                              examples=50)[0]
        total += schemathesis(server.url, auditor, "--include-path-regex", "^/v1/audit",
                              examples=50)[0]
        total += schemathesis(server.url, server.admin_token, "--include-path-regex",
                              "^/v1/users", examples=50)[0]
        print(f"\nschemathesis: {total} generated cases, 0 failures")
        assert total >= 1000
        statuses = server.logged_statuses()
        print(f"server answered {len(statuses)} requests, "
              f"{sum(s >= 500 for s in statuses)} with 5xx")
        assert not [s for s in statuses if s >= 500]
