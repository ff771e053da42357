"""Users: an admin registers reps, managers and auditors, hands them their tokens and
deactivates them; managers read who is who."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.access import allow
from api.bodies import json_body, request_body
from api.deps import ActorDep, AppDep, SettingsDep, ViewsDep
from api.reads.models import MePublic, UserListItemPublic, UserListPublic
from api.reads.people import PRINCIPALS_JA
from api.reads.users import users_public
from api.schemas import UserCreate, UserPublic
from api.sessions import SessionStore
from api.write_headers import IdempotencyDep
from domain.values import Role

router = APIRouter(prefix="/v1/users", tags=["users"])


@router.get("", response_model=UserListPublic, summary="List users",
            dependencies=[allow(Role.MANAGER, Role.ADMIN)])
def list_users(views: ViewsDep, settings: SettingsDep) -> UserListPublic:
    """Every registered user by user id: name, role, and whether still active."""
    return users_public(views, settings)


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
             dependencies=[allow(Role.ADMIN)],
             responses={409: {"description": "the user is deactivated"}})
def issue_token(user_id: str, app: AppDep, actor: ActorDep) -> JSONResponse:
    """Replace a user's token (the old one stops working at once)."""
    token = app.issue_token(actor, user_id)
    user = app.get_user(user_id)
    return JSONResponse({"user_id": user.user_id, "name": user.name, "role": user.role,
                         "token": token})


@router.post("/{user_id}/deactivate", response_model=UserListItemPublic,
             summary="Deactivate a user", dependencies=[allow(Role.ADMIN)])
async def deactivate_user(user_id: str, request: Request, app: AppDep,
                          actor: ActorDep) -> UserListItemPublic:
    """The user's token is refused from now on and their web sessions end; their history
    and accounts stay (a manager hands the accounts over). Deactivating again changes
    nothing."""
    user = await run_in_threadpool(app.deactivate_user, actor, user_id)
    sessions: SessionStore = request.app.state.sessions
    await run_in_threadpool(sessions.end_all_of, user_id)
    return UserListItemPublic(user_id=user.user_id, name=user.name, role=user.role,
                              active=user.active)


@router.get("/me", response_model=MePublic, summary="Who am I")
def me(app: AppDep, actor: ActorDep) -> MePublic:
    """The signed-in user: id, name and role."""
    name = PRINCIPALS_JA.get(actor.user_id) or app.get_user(actor.user_id).name
    return MePublic(user_id=actor.user_id, name=name, role=actor.role.value)
