"""Slow and abusive clients cannot pin the server: headers and bodies have deadlines."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx

from tests.reliability.server import serving


def test_slow_headers_are_cut_off_and_stalled_bodies_get_408(tmp_path: Path) -> None:
    env = {"TSUNAGI_DATABASE_URL": f"sqlite:///{tmp_path / 'tsunagi.db'}",
           "TSUNAGI_HEADER_TIMEOUT_SECONDS": "1", "TSUNAGI_BODY_TIMEOUT_SECONDS": "1"}
    with serving(env, tmp_path) as server:
        port = int(server.url.rsplit(":", 1)[1])
        slow = []
        for _ in range(30):  # slowloris: headers that never finish
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: tsunagi\r\n")
            slow.append(sock)
        started = time.monotonic()
        assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200
        assert time.monotonic() - started < 1, "others are served meanwhile"
        for sock in slow:
            sock.settimeout(5)
            assert sock.recv(100) == b"", "the server closed the half-open request"
            sock.close()

        stalled = socket.create_connection(("127.0.0.1", port))
        stalled.sendall(b"POST /v1/accounts HTTP/1.1\r\nHost: tsunagi\r\n"
                        b"Authorization: Bearer x\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 100\r\n\r\n{")
        stalled.settimeout(10)
        started = time.monotonic()
        answer = stalled.recv(300)
        stalled.close()
        print(f"\nstalled body answered in {time.monotonic() - started:.1f}s")
        assert answer.startswith(b"HTTP/1.1 408"), answer
