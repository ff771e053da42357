"""Connections the server accepts send small writes at once (no Nagle delay), also on a
listening socket bound the way uvicorn's worker processes share it."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from api.protocol import GuardedHttpToolsProtocol


async def _app(scope: Any, receive: Any, send: Any) -> None:  # never called here
    raise AssertionError


async def nodelay_of_accepted_connection(protocol: type[HttpToolsProtocol]) -> int:
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # protocol 0, as uvicorn's
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    state = ServerState()
    config = Config(app=_app, log_config=None)
    server = await asyncio.get_running_loop().create_server(
        lambda: protocol(config=config, server_state=state, app_state={}), sock=listening)
    _, writer = await asyncio.open_connection(*listening.getsockname())
    for _ in range(100):
        if state.connections:
            break
        await asyncio.sleep(0.01)
    (accepted,) = state.connections
    value = accepted.transport.get_extra_info("socket").getsockopt(  # type: ignore[attr-defined]
        socket.IPPROTO_TCP, socket.TCP_NODELAY)
    writer.close()
    server.close()
    return int(value)


def nodelay_with(protocol: type[HttpToolsProtocol]) -> int:
    """On a thread of its own: other tests may leave an event loop running on this one."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, nodelay_of_accepted_connection(protocol)).result()


def test_uvicorn_alone_leaves_nagle_on_for_a_socket_it_bound_itself() -> None:
    assert nodelay_with(HttpToolsProtocol) == 0


def test_our_protocol_turns_nagle_off_on_every_accepted_connection() -> None:
    assert nodelay_with(GuardedHttpToolsProtocol) != 0
