"""The headers that make a write conditional or repeatable: If-Match and Idempotency-Key."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.exceptions import RequestValidationError

from api.deps import ActorDep
from domain.idempotency import MAX_KEY_LENGTH, Idempotency
from domain.values import Actor

ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


IfMatch = Annotated[str | None, Header(
    pattern=ETAG.pattern, description='An ETag this API gave out, e.g. "12"')]
IdempotencyKey = Annotated[str | None, Header(
    min_length=1, max_length=MAX_KEY_LENGTH,
    description="Repeat a write safely: same key and body, same answer")]


def version_of(if_match: str | None) -> int | None:
    """If-Match: "<version>" (an ETag this API gave out), or absent. A malformed one is 422
    (its header named); a well-formed one the account has moved past is 412."""
    if if_match is None:
        return None
    found = ETAG.match(if_match)
    assert found is not None  # the pattern above was checked by FastAPI
    return int(found.group(1))


async def idempotency(request: Request, actor: ActorDep,
                      idempotency_key: IdempotencyKey = None) -> Idempotency | None:
    return idempotency_of(request, actor, checked_key(idempotency_key))


def checked_key(key: str | None) -> str | None:
    """An Idempotency-Key as sent, or 422 naming the header."""
    if key is not None and (not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable()):
        raise RequestValidationError([{"loc": ("header", "Idempotency-Key"),
                                       "msg": f"1 to {MAX_KEY_LENGTH} printable characters",
                                       "type": "value_error"}])
    return key


def idempotency_of(request: Request, actor: Actor, key: str | None) -> Idempotency | None:
    """The key with the request it guards (its body's fingerprint, once parsed)."""
    if key is None:
        return None
    fingerprint = getattr(request.state, "fingerprint", f"{request.method} {request.url.path}")
    return Idempotency(actor.user_id, key, fingerprint)


IdempotencyDep = Annotated[Idempotency | None, Depends(idempotency)]
