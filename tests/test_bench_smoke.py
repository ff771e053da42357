"""The benchmarks still run (tiny sizes); their figures are read in `make bench`, not here."""

from __future__ import annotations

import subprocess
import sys

import pytest

# Stops PostgreSQL, or times what every core is free for: never beside other tests.
pytestmark = pytest.mark.serial


@pytest.mark.postgres
def test_the_bench_harness_runs_and_prints_ratios(postgres_database: str) -> None:
    result = subprocess.run([sys.executable, "-m", "bench", "--quick"], capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    for figure in ("P1 pgbench, 1 client", "P1 HTTP floor", "P1 HTTP appends, 8 clients",
                   "P2 append p50",
                   "P3 GET view p99", "P3 GET dossier p99", "projector process",
                   "P4 catch-up, every view", "P4 reference: scan and decode only", "P5 as-of p50",
                   "P6 API RSS", "P6 projector RSS", "P7 tsunagi demo",
                   "P8 reads within 2 s, busy writer (sqlite)", "P9 GET /v1/team p99",
                   "P9 accounts list page p99, 300 accounts (sqlite)",
                   "P9 accounts list page p99, 300 accounts (postgres)",
                   "P10 import, 200 rows", "P10 import dry run (postgres)"):
        assert figure in result.stdout, result.stdout
    assert "baseline:" in result.stdout
    assert "CPU per append" in result.stdout  # P1 says where the cores went
    assert "× the floor above" in result.stdout  # and how much of the web stack it uses
