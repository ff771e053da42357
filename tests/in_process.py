"""`tsunagi …` run inside the test process, through typer's CliRunner.

The same command functions as the installed `tsunagi` runs (settings read from the
TSUNAGI_* variables given, the application built and closed by the command), without a
new Python starting for each command — about three seconds each on a busy two-core
machine. What only a real process shows (the console script, its exit status, one command
in one process and its effect seen from another) stays with ``run_tsunagi``: a test that
runs several commands keeps at least one of them a real process.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import structlog
from typer.testing import CliRunner

from api.cli import cli
from api.logging import CORE_LOGGERS


@contextlib.contextmanager
def logging_kept() -> Iterator[None]:
    """Put back the logging a command configures (its stderr is CliRunner's, gone after)."""
    config = structlog.get_config()
    core = {name: logging.getLogger(name) for name in CORE_LOGGERS}
    saved = {name: (log.handlers[:], log.level, log.propagate) for name, log in core.items()}
    try:
        yield
    finally:
        structlog.configure(**config)
        for name, log in core.items():
            log.handlers, level, log.propagate = saved[name]
            log.setLevel(level)


def invoke_tsunagi(*args: str, env: dict[str, str],
                   cwd: Path) -> subprocess.CompletedProcess[str]:
    """`tsunagi <args>` as ``run_tsunagi`` answers it: exit status, stdout, stderr."""
    with logging_kept(), contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return subprocess.CompletedProcess(["tsunagi", *args], result.exit_code, result.stdout,
                                       result.stderr)
