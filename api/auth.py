"""Who is asking: the bearer token's user, or the bootstrap admin."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.exceptions import HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.settings import Settings
from domain.application import Tsunagi
from domain.values import Actor, Role

BEARER = HTTPBearer(
    auto_error=False, scheme_name="bearer", bearerFormat="<user_id>.<secret>",
    description="A user's token as `POST /v1/users` printed it (or TSUNAGI_ADMIN_TOKEN).")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]


async def current_actor(request: Request, credentials: Credentials) -> Actor:
    """The bearer token's user; 401 when missing or unknown. Tokens are never logged.

    A token accepted a moment ago is answered on the event loop; only a lookup in the store
    goes to a worker thread. (The app and settings come from the request, not from
    dependencies: FastAPI solves a dependency's own dependencies again wherever it is used,
    and this one is used by every other.)"""
    app: Tsunagi = request.app.state.tsunagi
    settings: Settings = request.app.state.settings
    token = credentials.credentials.strip() if credentials else ""
    if not token:
        raise HTTPException(401, "send Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    actor = admin(settings, token) or app.remembered(token)
    if actor is None:
        actor = await run_in_threadpool(app.authenticate, token)
    if actor is None:
        raise HTTPException(401, "unknown or revoked token",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    request.state.actor = actor  # the access log reads it (see middleware.RequestLog)
    return actor


def admin(settings: Settings, token: str) -> Actor | None:
    """The bootstrap admin, for TSUNAGI_ADMIN_TOKEN."""
    secret = settings.admin_token.get_secret_value() if settings.admin_token else None
    if secret and hmac.compare_digest(token.encode(), secret.encode()):
        return Actor("admin", Role.ADMIN)
    return None
