"""Conditional GET (RFC 9110 §13.1.2): a read answers ``ETag: "<version>"``, and a client
that sends that tag back in ``If-None-Match`` gets 304 with no body while nothing has been
recorded on the account since. The tag is the account's version, the one ``If-Match`` takes
on a write; parts computed as of the read (health, warnings) may move with the clock alone,
so a 304 says "nothing recorded since your copy", not "the clock stood still"."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import Response

from api.responses import DocumentResponse

IfNoneMatch = Annotated[str | None, Header(
    description='The ETag of the copy you hold, e.g. "12": 304 with no body while the '
                'account is still at that version')]
ETAG_HEADER: dict[str, Any] = {"ETag": {
    "description": 'The account\'s version, e.g. "12"',
    "schema": {"type": "string", "example": '"12"'}}}
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {
    "description": "Nothing recorded since the copy If-None-Match names; no body",
    "headers": ETAG_HEADER}}


def etag(version: int) -> str:
    return f'"{version}"'


def names_current(if_none_match: str | None, tag: str) -> bool:
    """Whether If-None-Match names ``tag`` (``*``, a list, weak tags compared weakly)."""
    if not if_none_match:
        return False
    tags = [found.strip() for found in if_none_match.split(",")]
    return "*" in tags or any(found.removeprefix("W/") == tag for found in tags)


def tagged(content: Any, version: int, if_none_match: str | None,
           headers: dict[str, str] | None = None) -> Response:
    """The document with its ETag, or 304 with the same ETag and no body."""
    tag = etag(version)
    sent = {**(headers or {}), "ETag": tag}
    if names_current(if_none_match, tag):
        return Response(status_code=304, headers=sent)
    return DocumentResponse(content, headers=sent)
