"""The shape every account write takes: find the account (404 if not yours), run the command
with If-Match and Idempotency-Key, answer with the new version and an ETag.

A write's dependencies form one chain, each solved once: the route's role check, then the
write context (actor, access to the account, the two headers), then the body. FastAPI
solves a dependency's own dependencies again wherever it is used, so a graph in which the
actor hangs under every part cost a write seven solves of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.access import account_gate
from api.bodies import BODY_MODELS, parsed_body
from api.conditional import ETAG_HEADER
from api.deps import ActorDep
from api.write_headers import IdempotencyKey, IfMatch, checked_key, idempotency_of, version_of
from domain.application import AccountCommand, Recorded, Tsunagi
from domain.idempotency import Idempotency
from domain.values import Actor

M = TypeVar("M", bound=BaseModel)
# The ETag every write answers with, declared on its status (201 for a new item, 200 for a
# step on an existing one): responses=WRITTEN[201].
WRITTEN: dict[int, dict[int | str, dict[str, Any]]] = {
    status: {status: {"headers": ETAG_HEADER}} for status in (200, 201)}


def written(recorded: Recorded, *, item_key: str | None = None, item_id: str | None = None,
            status: int = 201) -> JSONResponse:
    body: dict[str, Any] = {"account_id": str(recorded.account_id), "version": recorded.version,
                            "event_id": None if recorded.event_id is None
                            else str(recorded.event_id)}
    if item_key:
        body[item_key] = recorded.item_id or item_id
    return JSONResponse(body, status_code=status, headers={"ETag": f'"{recorded.version}"'})


@dataclass(frozen=True)
class Write:
    app: Tsunagi
    actor: Actor
    expected_version: int | None
    idempotency_key: str | None
    request: Request

    def record(self, account_id: UUID, command: AccountCommand, details: dict[str, Any], *,
               item_key: str | None = None, status: int = 201) -> JSONResponse:
        """Run ``command`` (an Account method, e.g. ``Account.record_visit``) with the
        body's ``details``; answer with the new version."""
        recorded = self.app.record(
            self.actor, account_id, command, expected_version=self.expected_version,
            idempotency=self._idempotency(), **details,
        )
        return written(recorded, item_key=item_key, status=status,
                       item_id=details.get(item_key) if item_key else None)

    def correct(self, account_id: UUID, *, corrected_event_id: UUID, corrected_version: int,
                corrections: dict[str, Any], reason: str) -> JSONResponse:
        """Record a correction of an earlier event (Tsunagi.correct_record)."""
        recorded = self.app.correct_record(
            self.actor, account_id, corrected_event_id=corrected_event_id,
            corrected_version=corrected_version, corrections=corrections, reason=reason,
            expected_version=self.expected_version, idempotency=self._idempotency(),
        )
        return written(recorded)

    def _idempotency(self) -> Idempotency | None:
        return idempotency_of(self.request, self.actor, self.idempotency_key)


async def write_context(request: Request, actor: ActorDep, if_match: IfMatch = None,
                        idempotency_key: IdempotencyKey = None) -> Write:
    """Everything a write needs, once the actor may see the account (see account_gate)."""
    await account_gate(request, actor)
    return Write(request.app.state.tsunagi, actor, version_of(if_match),
                 checked_key(idempotency_key), request)


WriteDep = Annotated[Write, Depends(write_context)]


def write_body(model: type[M]) -> Any:
    """The body of a write, parsed once the write may go ahead; errors name the field."""
    BODY_MODELS.append(model)

    async def parse(request: Request, _: WriteDep) -> M:
        return await parsed_body(request, model)

    return Depends(parse)


def optional_write_body(model: type[M]) -> Any:
    """As ``write_body``, for a write whose body may be left out altogether (every field of
    ``model`` then takes its default): a route that took no body keeps its old callers."""
    BODY_MODELS.append(model)

    async def parse(request: Request, _: WriteDep) -> M:
        if not (await request.body()).strip():
            return model()
        return await parsed_body(request, model)

    return Depends(parse)
