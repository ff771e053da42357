"""Slow and greedy clients cannot take the server down: headers and bodies have total
deadlines, one client address holds a bounded share of the connections, and /health answers
whatever the rest of the server is doing.

Attackers connect from other loopback addresses (127.0.0.2 and up: the whole of 127/8 is
loopback on Linux) and trickle a body to `POST /login` a byte a second, as in issue #16;
meanwhile a checker on 127.0.0.1 asks /health over a fresh connection every 50 ms."""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest

from api.protocol import MAX_CONNECTIONS_PER_CLIENT
from tests.reliability.server import Server, serving

# Stops PostgreSQL, or times what every core is free for: never beside other tests.
pytestmark = pytest.mark.serial

SLOW_BODY = (b"POST /login HTTP/1.1\r\nHost: tsunagi\r\n"
             b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\n")
WATCH_SECONDS = 5.0


class SlowBodies:
    """`count` connections from `sources` in turn, each sending a body a byte a second from
    a thread of its own, for at most `seconds`."""

    def __init__(self, port: int, sources: list[str], count: int, seconds: float) -> None:
        self.sockets: list[socket.socket] = []
        for i in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5,
                                            source_address=(sources[i % len(sources)], 0))
            sock.settimeout(None)  # blocking, so MSG_DONTWAIT alone decides
            sock.sendall(SLOW_BODY)
            self.sockets.append(sock)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, args=(seconds,), daemon=True)
        self._thread.start()

    def _trickle(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while not self._stop.wait(1.0) and time.monotonic() < until:
            for sock in self.sockets:
                with suppress(OSError):  # closed by the server: counted by answers()
                    sock.send(b"x", socket.MSG_DONTWAIT)

    def answers(self) -> list[bytes]:
        """What the server said on each connection so far (b"" for nothing yet)."""
        said = []
        for sock in self.sockets:
            try:
                said.append(sock.recv(200, socket.MSG_PEEK | socket.MSG_DONTWAIT) or b"closed")
            except BlockingIOError:
                said.append(b"")
            except OSError:
                said.append(b"reset")
        return said

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()


@contextmanager
def slow_bodies(server: Server, sources: list[str], count: int) -> Iterator[SlowBodies]:
    port = int(server.url.rsplit(":", 1)[1])
    attack = SlowBodies(port, sources, count, seconds=WATCH_SECONDS + 10)
    try:
        time.sleep(1.0)  # every connection accepted, its headers read, its app task started
        yield attack
    finally:
        attack.close()
        time.sleep(0.5)  # the server has seen them go


def health_latencies(url: str, seconds: float = WATCH_SECONDS) -> list[float]:
    """/health from 127.0.0.1 over a fresh connection every 50 ms; a failure counts as 5 s."""
    latencies = []
    with httpx.Client(timeout=5, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                ok = client.get(f"{url}/health").status_code == 200
            except httpx.TransportError:
                ok = False
            latencies.append(time.monotonic() - started if ok else 5.0)
            time.sleep(0.05)
    return latencies


def p95(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=20)[-1]


def report(case: str, latencies: list[float]) -> None:
    print(f"\n{case}: /health over {len(latencies)} probes: "
          f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {p95(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the attacks below, each from addresses of its own, with the default
    limits (the body deadline long enough to outlast the watch)."""
    tmp_path = tmp_path_factory.mktemp("slow_clients")
    with serving({"TSUNAGI_DATABASE_URL": f"sqlite:///{tmp_path / 'tsunagi.db'}",
                  "TSUNAGI_BODY_TIMEOUT_SECONDS": "60"}, tmp_path) as running:
        yield running


def test_health_answers_while_150_slow_bodies_are_open(server: Server) -> None:
    """150 bodies from three addresses, each under its cap: all of them stay open."""
    with slow_bodies(server, ["127.0.0.2", "127.0.0.3", "127.0.0.4"], 150) as attack:
        latencies = health_latencies(server.url)
        answers = attack.answers()
    report("150 slow bodies from 3 addresses", latencies)
    assert answers.count(b"") == 150, "every slow body is still being waited for"
    assert p95(latencies) < 1.0
    assert max(latencies) < 5.0, "no probe failed"
    gone = logged_requests(server, "/login", until=150)
    assert [r["status"] for r in gone] == [None] * 150, "the attackers left unanswered"
    assert "Traceback" not in server.log.read_text(encoding="utf-8"), "and that is no error"


def test_one_address_holds_at_most_its_share_of_the_connections(server: Server) -> None:
    """300 bodies from 127.0.0.5: the first 64 are waited for, the rest refused at once."""
    with slow_bodies(server, ["127.0.0.5"], 300) as attack:
        latencies = health_latencies(server.url)
        answers = attack.answers()
    report("300 slow bodies from 1 address", latencies)
    assert answers.count(b"") == MAX_CONNECTIONS_PER_CLIENT
    refused = [a for a in answers if a]
    assert len(refused) == 300 - MAX_CONNECTIONS_PER_CLIENT
    assert all(a.startswith(b"HTTP/1.1 429 ") and b"retry-after: 5" in a
               and b"x-content-type-options: nosniff" in a for a in refused), \
        {a[:60] for a in refused}
    assert p95(latencies) < 1.0
    assert max(latencies) < 5.0, "no probe failed"
    logged = cap_log(server, until_lines=2)
    assert [(e["event"], e["client"]) for e in logged] == [
        ("client_connection_cap_reached", "127.0.0.5"),
        ("client_connection_cap_released", "127.0.0.5")], "once per episode, not per refusal"
    assert logged[1]["refused"] == 300 - MAX_CONNECTIONS_PER_CLIENT


def logged_requests(server: Server, route: str, until: int) -> list[dict[str, object]]:
    """The server's request lines for this route, once there are this many (or after 5 s)."""
    deadline = time.monotonic() + 5
    while True:
        logged = [json.loads(line) for line in server.log.read_text(encoding="utf-8")
                  .splitlines() if line.startswith("{") and '"event": "request"' in line]
        found = [entry for entry in logged if entry["route"] == route]
        if len(found) >= until or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def cap_log(server: Server, until_lines: int) -> list[dict[str, object]]:
    """The server's log lines about the per-client cap, once it has written this many (or
    after 5 s: it writes the last when the attacker's connections are gone)."""
    until = time.monotonic() + 5
    while True:
        logged = [json.loads(line) for line in server.log.read_text(encoding="utf-8")
                  .splitlines() if "client_connection_cap" in line]
        if len(logged) >= until_lines or time.monotonic() > until:
            return logged
        time.sleep(0.1)


def test_health_is_exempt_when_every_connection_is_taken(server: Server) -> None:
    """300 bodies from six addresses, 50 each: past the server's 256, other routes are
    answered 503 with Retry-After, and /health still answers."""
    sources = [f"127.0.0.{i}" for i in range(10, 16)]
    with slow_bodies(server, sources, 300):
        latencies = health_latencies(server.url)
        busy = httpx.get(f"{server.url}/openapi.json", timeout=5)
    report("300 slow bodies from 6 addresses (server-wide limit reached)", latencies)
    assert busy.status_code == 503
    assert busy.headers["content-type"] == "application/problem+json"
    assert busy.headers["retry-after"]
    assert busy.headers["x-content-type-options"] == "nosniff"
    assert p95(latencies) < 1.0
    assert max(latencies) < 5.0, "no probe failed"


def test_the_servers_own_answers_say_nosniff_too(server: Server) -> None:
    """Not only the app's: uvicorn's answer to bytes that are not HTTP as well."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        answer = sock.recv(500)
    assert answer.startswith(b"HTTP/1.1 400 "), answer
    assert b"x-content-type-options: nosniff" in answer.lower()


def test_header_and_body_deadlines_are_total(tmp_path: Path) -> None:
    env = {"TSUNAGI_DATABASE_URL": f"sqlite:///{tmp_path / 'tsunagi.db'}",
           "TSUNAGI_HEADER_TIMEOUT_SECONDS": "1", "TSUNAGI_BODY_TIMEOUT_SECONDS": "2"}
    with serving(env, tmp_path) as server:
        port = int(server.url.rsplit(":", 1)[1])
        stalled_headers = []
        for _ in range(30):  # slowloris: headers that never finish
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: tsunagi\r\n")
            stalled_headers.append(sock)
        started = time.monotonic()
        assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200
        assert time.monotonic() - started < 1, "others are served meanwhile"
        for sock in stalled_headers:
            sock.settimeout(5)
            assert sock.recv(100) == b"", "the server closed the half-open request"
            sock.close()

        trickled = socket.create_connection(("127.0.0.1", port))
        started = time.monotonic()
        cut_off_after = trickle(trickled, b"GET /health HTTP/1.1\r\nHost: tsunagi\r\n"
                                          b"X-Padding: " + b"a" * 100, every=0.1)
        print(f"\nheaders trickled a byte every 0.1 s: closed after {cut_off_after:.1f}s")
        assert cut_off_after is not None and 0.9 < cut_off_after < 2.0

        body = socket.create_connection(("127.0.0.1", port))
        body.sendall(b"POST /login HTTP/1.1\r\nHost: tsunagi\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 1000\r\n\r\n")
        started = time.monotonic()
        trickle(body, b"user_id=sato&token=" + b"t" * 100, every=0.5)
        answered_after = time.monotonic() - started
        answer = body.recv(1000)
        print(f"body trickled a byte every 0.5 s: answered after {answered_after:.1f}s")
        assert answer.startswith(b"HTTP/1.1 408"), answer
        assert b"connection: close" in answer.lower()
        assert 1.9 < answered_after < 3.5, "two seconds from the first read, whatever arrives"

        stalled = socket.create_connection(("127.0.0.1", port))
        stalled.sendall(b"POST /v1/accounts HTTP/1.1\r\nHost: tsunagi\r\n"
                        b"Authorization: Bearer x\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 100\r\n\r\n{")
        stalled.settimeout(10)
        assert stalled.recv(300).startswith(b"HTTP/1.1 408")
        stalled.close()


def trickle(sock: socket.socket, data: bytes, every: float) -> float | None:
    """Send ``data`` a byte at a time until the server answers or closes; seconds until it
    did (None if it never did within the data)."""
    started = time.monotonic()
    sock.settimeout(every)
    for byte in data:
        try:
            sock.sendall(bytes([byte]))
            sock.recv(1, socket.MSG_PEEK)  # an answer, or b"" once closed
            return time.monotonic() - started
        except TimeoutError:
            continue
        except OSError:
            return time.monotonic() - started
    return None
