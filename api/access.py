"""What the signed-in actor may reach: a route's roles, and an account (404 unless theirs)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Depends, Request
from fastapi.exceptions import HTTPException
from starlette.concurrency import run_in_threadpool

from api.deps import ActorDep
from domain.account import Account
from domain.application import Tsunagi
from domain.errors import AccountNotFound
from domain.values import Actor, Role


def allow(*roles: Role) -> Any:
    """A route dependency: 403 unless the signed-in actor has one of these roles."""

    async def check(actor: ActorDep) -> Actor:
        if actor.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise HTTPException(403, f"this route is for: {allowed}")
        return actor

    return Depends(check)


async def account_gate(request: Request, actor: ActorDep) -> None:
    """For routes under /v1/accounts/{account_id}: 404 unless this actor may see the
    account, decided before the body is read.

    A write may pass on the account as this process last wrote it (no store round trip):
    the command itself, access included, is decided on the stored account (see
    Tsunagi.change), so a copy another process made stale answers 404 there, never 403 and
    never a write. Reads, and anything that copy refuses, are decided on the stored account."""
    raw = request.path_params.get("account_id")
    if raw is None:
        return
    try:
        account_id = UUID(str(raw))
    except ValueError:
        return  # FastAPI answers 422 for the malformed path parameter
    app: Tsunagi = request.app.state.tsunagi
    if request.method not in READS:
        written = app.last_written(account_id)
        if written is not None and written.may_read(actor):
            return
    await run_in_threadpool(readable_account, app, actor, account_id)


READS = frozenset({"GET", "HEAD", "OPTIONS"})
AccountGate = Depends(account_gate)


def readable_account(app: Tsunagi, actor: Actor, account_id: UUID) -> Account:
    """The account, if this actor may see it; otherwise 404, so nothing leaks. It is the
    cached account itself: look at it, never change it."""
    account = app.read_account(account_id)
    if not account.may_read(actor):
        raise AccountNotFound(f"no account {account_id}")
    return account
