"""ASGI middleware: request ids and access logs, nosniff, and the limits on a body (1 MiB,
a total deadline, JSON nesting)."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from itertools import accumulate
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem

MAX_BODY_BYTES = 1024 * 1024
BODY_TIMEOUT_SECONDS = 15.0
MAX_JSON_DEPTH = 64  # far beyond any body the API takes; far below the recursion limit
FORM_MEDIA_TYPES = (b"application/x-www-form-urlencoded", b"multipart/form-data")
NOSNIFF = (b"x-content-type-options", b"nosniff")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(rb"[^\[\]{}]+")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
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


def json_nesting_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text nests arrays and objects deeper than ``limit``, found in one
    linear pass without parsing (brackets inside strings, escaped quotes included, do not
    count), so a deep body is refused before any recursive parser meets it."""
    brackets = _NOT_A_BRACKET.sub(b"", _JSON_STRING.sub(b"", body))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


class BodyLimit:
    """Refuse bodies over 1 MiB with 413 before the application reads any of it, a body
    that has not wholly arrived within the deadline (total, from the first read) with 408,
    and JSON nested deeper than MAX_JSON_DEPTH with 422, so a slow or hostile client can
    neither hold a worker nor reach a recursive parser."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES,
                 timeout: float = BODY_TIMEOUT_SECONDS, max_depth: int = MAX_JSON_DEPTH) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.timeout):
                messages = await self._buffered(receive)
        except TimeoutError:
            response: Any = problem(408, f"the body did not arrive within {self.timeout} s;"
                                         " nothing was recorded", slug="body-timeout",
                                    headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        if messages is None:
            await self._too_large(scope, receive, send)
            return
        if messages[-1]["type"] == "http.disconnect":
            return  # gone before its body arrived: nobody to answer, nothing to record
        if _may_be_json(headers.get(b"content-type")) and json_nesting_exceeds(
                b"".join(m.get("body", b"") for m in messages), self.max_depth):
            response = problem(422, f"the JSON body nests deeper than {self.max_depth} "
                                    "levels; nothing was recorded", slug="json-too-deep",
                               errors=[{"loc": ["body"], "msg": "JSON nested deeper than "
                                                                f"{self.max_depth} levels"}])
            await response(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _buffered(self, receive: Receive) -> list[Message] | None:
        """Every message of the body, or None once it is over the limit."""
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages
            size += len(message.get("body", b""))
            if size > self.limit:
                return None
            if not message.get("more_body", False):
                return messages

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response: Any = problem(413, f"the body is over {self.limit} bytes; nothing was recorded",
                                slug="body-too-large")
        await response(scope, receive, send)


def _may_be_json(content_type: bytes | None) -> bool:
    """Every body a route might hand to a JSON parser: the API's parser reads the body as
    JSON whatever its Content-Type says, so only what HTML forms send is left out."""
    media_type = (content_type or b"").split(b";", 1)[0].strip().lower()
    return media_type not in FORM_MEDIA_TYPES
