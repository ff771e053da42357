"""Users: an admin registers reps, managers and auditors and hands them their tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import json_body, request_body
from api.deps import ActorDep, AppDep
from api.schemas import UserCreate, UserPublic
from api.write_headers import IdempotencyDep
from domain.values import Role

router = APIRouter(prefix="/v1/users", tags=["users"])


@router.post("", status_code=201, response_model=UserPublic, summary="Register a user",
             dependencies=[allow(Role.ADMIN)], openapi_extra=request_body(UserCreate),
             responses={409: {"description": "user_id already registered"}})
def register_user(payload: Annotated[UserCreate, json_body(UserCreate)], app: AppDep,
                  actor: ActorDep, key: IdempotencyDep) -> JSONResponse:
    """Register a user; the token is shown once, in this response."""
    user, token = app.register_user(actor, user_id=payload.user_id, name=payload.name,
                                     role=payload.role, idempotency=key)
    return JSONResponse({"user_id": user.user_id, "name": user.name, "role": user.role,
                         "token": token}, status_code=201)


@router.post("/{user_id}/token", response_model=UserPublic, summary="Issue a new token",
             dependencies=[allow(Role.ADMIN)])
def issue_token(user_id: str, app: AppDep, actor: ActorDep) -> JSONResponse:
    """Replace a user's token (the old one stops working at once)."""
    token = app.issue_token(actor, user_id)
    user = app.get_user(user_id)
    return JSONResponse({"user_id": user.user_id, "name": user.name, "role": user.role,
                         "token": token})


@router.get("/me", summary="Who am I")
def me(actor: ActorDep) -> dict[str, str]:
    """The signed-in user and role."""
    return {"user_id": actor.user_id, "role": actor.role.value}
