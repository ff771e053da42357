"""Uvicorn's HTTP/1.1 protocol (httptools, the C parser), with a deadline for a request's
headers and no Nagle delay.

Uvicorn waits as long as a client likes for the headers of a request, so slow clients
could hold connections open forever. This closes a connection whose request headers have
not arrived within the deadline (the body has its own deadline, see middleware.BodyLimit).

With several workers, uvicorn binds the listening socket itself (protocol number 0), and
asyncio then leaves TCP_NODELAY off on accepted connections: a response written as headers
then body waited for the client's delayed ACK, about 40 ms a request. It is set here.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT_SECONDS = 10.0


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    header_timeout: float = HEADER_TIMEOUT_SECONDS
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

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


def guarded(header_timeout: float) -> type[GuardedHttpToolsProtocol]:
    """The protocol with this deadline. It stays importable by name, as uvicorn's worker
    processes need, and each worker sets the deadline again from its own settings."""
    GuardedHttpToolsProtocol.header_timeout = header_timeout
    return GuardedHttpToolsProtocol
