"""`tsunagi serve` in a process of its own on loopback, for tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

TSUNAGI = str(Path(sys.executable).with_name("tsunagi"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tsunagi_serve(port: int) -> list[str]:
    return [TSUNAGI, "serve", "--port", str(port)]


@contextmanager
def serving(env: Mapping[str, str], log_path: Path, *, cwd: Path | None = None,
            startup_seconds: float = 30,
            command: Callable[[int], list[str]] = tsunagi_serve) -> Iterator[str]:
    """Start the server (``tsunagi serve`` unless another command for a port is given) with
    these settings, wait for /health, yield its base URL.

    Its output goes to ``log_path`` (a pipe nobody reads would fill up and block it)."""
    port = free_port()
    argv = command(port)
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(argv, cwd=cwd, env=os.environ | dict(env), stdout=log,
                                   stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + startup_seconds
            while True:
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(f"{Path(argv[0]).name} {argv[1]} did not start: "
                                       f"{log_path.read_text(encoding='utf-8')[-2000:]}")
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
