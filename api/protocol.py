"""Uvicorn's HTTP/1.1 protocol (httptools, the C parser), guarded against slow and greedy
clients, with no Nagle delay.

- Headers: a connection whose request headers have not all arrived within the deadline is
  closed. The deadline is total per request: it is armed when the connection opens (or the
  previous response completes) and nothing the client sends moves it, so headers trickled a
  byte at a time are cut off as surely as headers that stall. The body has its own total
  deadline (middleware.BodyLimit).
- One client address holds at most `max_per_client` connections at once (0: no cap). One
  more is answered 429 with Retry-After and closed as soon as it is accepted, before any of
  its bytes are read; the first refusal of an address is logged, and when it is back under
  its cap, how many were refused. Otherwise one address trickling bodies held every one of
  the server's connections and nobody else was served (issue #16).
- The server-wide connection limit (uvicorn's `limit_concurrency`, answered 503 with
  Retry-After) is applied here instead of by uvicorn, so that `/health` is exempt from it:
  an orchestrator's probe must see whether the store answers, not that the server is busy.
- Every response, uvicorn's own 400 and the app's 500s included, carries
  `X-Content-Type-Options: nosniff`.

With several workers, uvicorn binds the listening socket itself (protocol number 0), and
asyncio then leaves TCP_NODELAY off on accepted connections: a response written as headers
then body waited for the client's delayed ACK, about 40 ms a request. It is set here.
"""

from __future__ import annotations

import asyncio
import json
import socket
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import structlog
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from api.errors import PROBLEM, RETRY_AFTER_SECONDS, problem
from api.middleware import NoSniff

HEADER_TIMEOUT_SECONDS = 10.0
MAX_CONNECTIONS_PER_CLIENT = 64
EXEMPT_FROM_CONNECTION_LIMIT = "/health"
log = structlog.get_logger("tsunagi.http")


@dataclass
class _Clients:
    """Per server: open connections by client address, and refusals since each address
    last went over its cap."""

    open: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)


_clients: weakref.WeakKeyDictionary[ServerState, _Clients] = weakref.WeakKeyDictionary()


def _closing_response(status: int, content_type: bytes, body: bytes,
                      *extra_headers: bytes) -> bytes:
    """A whole response written straight to the transport, before or instead of the app."""
    return b"".join([STATUS_LINE[status], b"content-type: ", content_type, b"\r\n",
                     *extra_headers, b"x-content-type-options: nosniff\r\n",
                     b"content-length: %d\r\n" % len(body), b"connection: close\r\n\r\n",
                     body])


def _too_many_connections(cap: int) -> bytes:
    body = json.dumps({"type": "https://tsunagi.example/problems/too-many-connections",
                       "title": "Too Many Requests", "status": 429,
                       "detail": f"this address already holds {cap} connections; retry later"})
    return _closing_response(429, PROBLEM.encode(), body.encode(),
                             b"retry-after: %s\r\n" % RETRY_AFTER_SECONDS.encode())


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    header_timeout: float = HEADER_TIMEOUT_SECONDS
    max_per_client: int = MAX_CONNECTIONS_PER_CLIENT
    _header_deadline: asyncio.TimerHandle | None = None
    _counted_as: str | None = None

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.connection_limit = self.limit_concurrency
        self.limit_concurrency = None  # applied in _within_limits, /health exempt
        self.guarded_app = NoSniff(self.app)
        self.app = self._within_limits

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self._over_cap():
            return
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._uncount()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """Uvicorn's answer to bytes that are not HTTP, with nosniff."""
        self.transport.write(_closing_response(400, b"text/plain; charset=utf-8", msg.encode()))
        self.transport.close()

    # The cap per client address

    def _over_cap(self) -> bool:
        if self.max_per_client <= 0 or not self.client:
            return False
        address = self.client[0]
        clients = _clients.setdefault(self.server_state, _Clients())
        if clients.open[address] < self.max_per_client:
            clients.open[address] += 1
            self._counted_as = address
            return False
        if not clients.refused[address]:
            log.warning("client_connection_cap_reached", client=address,
                        cap=self.max_per_client)
        clients.refused[address] += 1
        self.transport.write(_too_many_connections(self.max_per_client))
        self.transport.close()
        return True

    def _uncount(self) -> None:
        address, self._counted_as = self._counted_as, None
        if address is None:
            return
        clients = _clients[self.server_state]
        clients.open[address] -= 1
        if clients.open[address] <= 0:
            del clients.open[address]
        if clients.refused[address] and clients.open[address] < self.max_per_client:
            log.info("client_connection_cap_released", client=address,
                     refused=clients.refused.pop(address))

    # The server-wide limit, /health exempt

    async def _within_limits(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.connection_limit
        if (limit is not None and scope.get("path") != EXEMPT_FROM_CONNECTION_LIMIT
                and (len(self.connections) > limit or len(self.tasks) > limit)):
            busy: ASGIApp = problem(503, "the server is at its connection limit; retry later",
                                    slug="busy")
            await NoSniff(busy)(scope, receive, send)
            return
        await self.guarded_app(scope, receive, send)

    # The header deadline

    def _arm(self) -> None:
        self._disarm()
        armed_for = self.cycle
        self._header_deadline = self.loop.call_later(self.header_timeout, self._expire,
                                                     armed_for)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _expire(self, armed_for: Any) -> None:
        waiting = self.cycle is armed_for and (self.cycle is None or
                                               self.cycle.response_complete)
        if waiting and not self.transport.is_closing():
            self.transport.close()


def guarded(header_timeout: float,
            max_per_client: int = MAX_CONNECTIONS_PER_CLIENT) -> type[GuardedHttpToolsProtocol]:
    """The protocol with this deadline and cap. It stays importable by name, as uvicorn's
    worker processes need, and each worker sets them again from its own settings."""
    GuardedHttpToolsProtocol.header_timeout = header_timeout
    GuardedHttpToolsProtocol.max_per_client = max_per_client
    return GuardedHttpToolsProtocol
