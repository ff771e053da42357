"""ASGI middleware: request ids and access logs, nosniff, and the limits on a body (1 MiB,
a total deadline)."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem
from api.messages import STATUS_JA, wants_japanese

MAX_BODY_BYTES = 1024 * 1024
BODY_TIMEOUT_SECONDS = 15.0
NOSNIFF = (b"x-content-type-options", b"nosniff")
log = structlog.get_logger("tsunagi.http")


class RequestLog:
    """Bind a request id (echoed as X-Request-ID) and log one line per request. Never the
    Authorization header: tokens stay out of logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")[:64]
        request_id = given if given.isprintable() and given else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status: int | None = None  # None: the client left before it was answered

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            status = status or 500  # answered by Starlette's outermost handler
            raise
        finally:
            route = scope.get("route")
            actor = scope.get("state", {}).get("actor")
            log.info("request", request_id=request_id, method=scope["method"],
                     route=getattr(route, "path", scope["path"]), status=status,
                     principal=getattr(actor, "user_id", None),
                     ms=round((time.perf_counter() - started) * 1000, 1))
            structlog.contextvars.clear_contextvars()


class NoSniff:
    """``X-Content-Type-Options: nosniff`` on every response, so no browser reads a
    Markdown dossier or a problem body as HTML. Added once: it may wrap an app that
    already does (the server protocol wraps the app again, for the 500s Starlette sends
    outside every middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_nosniff(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == NOSNIFF[0] for name, _ in headers):
                    message["headers"] = [*headers, NOSNIFF]
            await send(message)

        await self.app(scope, receive, send_nosniff)


class BodyLimit:
    """Refuse bodies over 1 MiB with 413 before the application reads any of it, a body
    that has not wholly arrived within the deadline (total, from the first read) with 408,
    so a slow or hostile client cannot hold a worker."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES,
                 timeout: float = BODY_TIMEOUT_SECONDS,
                 larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout
        self.larger = larger or {}  # paths that take a bigger body (an import's file)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.limit)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        try:
            async with asyncio.timeout(self.timeout):
                messages = await self._buffered(receive, limit)
        except TimeoutError:
            response: Any = problem(
                408, f"{STATUS_JA[408]}（{self.timeout}秒以内に届きませんでした。"
                     "何も記録していません）"
                if wants_japanese(Request(scope)) else
                f"the body did not arrive within {self.timeout} s; nothing was recorded",
                slug="body-timeout", headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        if messages is None:
            await self._too_large(scope, receive, send, limit)
            return
        if messages[-1]["type"] == "http.disconnect":
            return  # gone before its body arrived: nobody to answer, nothing to record
        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _buffered(self, receive: Receive, limit: int) -> list[Message] | None:
        """Every message of the body, or None once it is over the limit."""
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages
            size += len(message.get("body", b""))
            if size > limit:
                return None
            if not message.get("more_body", False):
                return messages

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response: Any = problem(
            413, f"{STATUS_JA[413]}（{limit}バイトまで。何も記録していません）"
            if wants_japanese(Request(scope)) else
            f"the body is over {limit} bytes; nothing was recorded", slug="body-too-large")
        await response(scope, receive, send)
