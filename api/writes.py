"""The shape every account write takes: find the account (404 if not yours), run the command
with If-Match and Idempotency-Key, answer with the new version and an ETag."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from api.deps import AccountGate, ActorDep, ExpectedVersion, IdempotencyDep
from domain.application import Recorded, Tsunagi
from domain.idempotency import Idempotency
from domain.values import Actor


def written(recorded: Recorded, *, item_key: str | None = None, item_id: str | None = None,
            status: int = 201) -> JSONResponse:
    body: dict[str, Any] = {"account_id": str(recorded.account_id), "version": recorded.version,
                            "event_id": str(recorded.event_id)}
    if item_key:
        body[item_key] = recorded.item_id or item_id
    return JSONResponse(body, status_code=status, headers={"ETag": f'"{recorded.version}"'})


@dataclass(frozen=True)
class Write:
    app: Tsunagi
    actor: Actor
    expected_version: int | None
    idempotency: Idempotency | None

    def record(self, account_id: UUID, command: str, details: dict[str, Any], *,
               item_key: str | None = None, status: int = 201) -> JSONResponse:
        recorded = getattr(self.app, command)(
            self.actor, account_id, expected_version=self.expected_version,
            idempotency=self.idempotency, **details,
        )
        return written(recorded, item_key=item_key, status=status,
                       item_id=details.get(item_key) if item_key else None)


async def write_context(request: Request, actor: ActorDep, _: Annotated[None, AccountGate],
                        version: ExpectedVersion, key: IdempotencyDep) -> Write:
    """Everything a write needs, once the actor may see the account (see account_gate)."""
    return Write(request.app.state.tsunagi, actor, version, key)


WriteDep = Annotated[Write, Depends(write_context)]
