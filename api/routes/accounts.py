"""Accounts (取引先): open one, read its relationship view (now or as of an instant)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from api.access import allow, readable_account
from api.bodies import json_body, request_body
from api.conditional import ETAG_HEADER, NOT_MODIFIED, IfNoneMatch, tagged
from api.deps import ActorDep, AppDep, SettingsDep, ViewsDep
from api.params import INSTANT, SCHEMA_INSTANT, parse_instant
from api.reads.accounts import account_list, account_public
from api.reads.models import public
from api.schemas import AccountCreate, CadenceChange, RecordedPublic
from api.write_headers import IdempotencyDep
from api.writes import WriteDep, write_body, written
from domain.account import Account
from domain.values import Role
from projections.asof import Basis

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])
READERS = allow(Role.REP, Role.MANAGER, Role.AUDITOR)
WRITERS = allow(Role.REP, Role.MANAGER)


@router.post("", status_code=201, response_model=RecordedPublic, summary="Open an account",
             dependencies=[allow(Role.MANAGER, Role.ADMIN)],
             openapi_extra=request_body(AccountCreate))
def open_account(payload: Annotated[AccountCreate, json_body(AccountCreate)], app: AppDep,
                 actor: ActorDep, key: IdempotencyDep) -> JSONResponse:
    """Open an account and name its first owner (担当者)."""
    recorded = app.open_account(actor, idempotency=key, **payload.model_dump())
    return written(recorded)


@router.get("", summary="List accounts", dependencies=[READERS])
def list_accounts(views: ViewsDep, settings: SettingsDep, actor: ActorDep) -> dict[str, Any]:
    """A rep's own accounts (and those being handed to them); everyone's for others."""
    return public(account_list(views, settings, actor))


@router.get("/{account_id}", summary="The relationship view",
            dependencies=[READERS],
            responses={200: {"headers": ETAG_HEADER}, **NOT_MODIFIED})
def get_account(
    account_id: UUID, app: AppDep, views: ViewsDep, settings: SettingsDep, actor: ActorDep,
    as_of: Annotated[str | None, INSTANT_QUERY] = None,
    as_of_basis: Annotated[Basis, Query(description=AS_OF_BASIS)] = "recorded",
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Owner, rhythm, open promises and complaints, contract and health of one account."""
    account = readable_account(app, actor, account_id)
    found = account_public(app, views, settings, actor, account,
                           parse_instant(as_of, "as_of"), as_of_basis)
    return tagged(public(found), found.version, if_none_match)


AS_OF = ("RFC 3339 instant (auditor, manager): the account as it stood then. By recorded "
         "time (default): exactly what Tsunagi held at that instant. By occurred time: what "
         "we now know happened by then, late records included.")
AS_OF_BASIS = "recorded (what was recorded by then) or occurred (what had happened by then)"
INSTANT_QUERY = Query(description=AS_OF, pattern=INSTANT.pattern,
                      json_schema_extra={"format": "date-time", "pattern": SCHEMA_INSTANT})


@router.post("/{account_id}/cadence", response_model=RecordedPublic, dependencies=[WRITERS],
             summary="Agree a new visit cadence", openapi_extra=request_body(CadenceChange))
def agree_cadence(account_id: UUID,
                  payload: Annotated[CadenceChange, write_body(CadenceChange)],
                  write: WriteDep) -> JSONResponse:
    """Record the visit rhythm agreed with the customer (訪問頻度)."""
    return write.record(account_id, Account.agree_visit_cadence, payload.model_dump(), status=200)
