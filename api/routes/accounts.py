"""Accounts (取引先): open one, read its relationship view (now or as of an instant)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from api.access import allow, readable_account
from api.bodies import json_body, request_body
from api.conditional import ETAG_HEADER, NOT_MODIFIED, IfNoneMatch, tagged
from api.deps import ActorDep, AppDep, SettingsDep, ViewsDep
from api.params import DAY, INSTANT, SCHEMA_DAY, SCHEMA_INSTANT, parse_day, parse_instant
from api.reads.account_list import DEFAULT_PAGE, MAX_PAGE, ListAsk, account_list, people_of
from api.reads.accounts import account_public
from api.reads.models import AccountListPublic, AccountPublic, public
from api.responses import DocumentResponse
from api.schemas import (
    AccountCreate,
    AccountDetailsChange,
    CadenceChange,
    DetailsChangedPublic,
    RecordedPublic,
)
from api.write_headers import IdempotencyDep
from api.writes import WRITTEN, WriteDep, write_body, written
from domain.account import Account
from domain.values import Role
from projections.asof import Basis

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])
READERS = allow(Role.REP, Role.MANAGER, Role.AUDITOR)
WRITERS = allow(Role.REP, Role.MANAGER)


@router.post("", status_code=201, response_model=RecordedPublic,
             responses={201: {"headers": {**ETAG_HEADER, "Location": {
                 "description": "The account opened: /v1/accounts/{account_id}",
                 "schema": {"type": "string"}}}}},
             summary="Open an account",
             dependencies=[allow(Role.MANAGER, Role.ADMIN)],
             openapi_extra=request_body(AccountCreate))
def open_account(payload: Annotated[AccountCreate, json_body(AccountCreate)], app: AppDep,
                 actor: ActorDep, key: IdempotencyDep) -> JSONResponse:
    """Open an account and name its first owner (担当者)."""
    recorded = app.open_account(actor, idempotency=key, **payload.model_dump())
    answer = written(recorded)
    answer.headers["Location"] = f"/v1/accounts/{recorded.account_id}"
    return answer


@router.get("", response_model=AccountListPublic, summary="List accounts",
            dependencies=[READERS])
def list_accounts(
    app: AppDep, views: ViewsDep, settings: SettingsDep, actor: ActorDep,
    q: Annotated[str, Query(max_length=100, description=(
        "Part of the name; full-width and half-width alike (NFKC), case ignored"))] = "",
    owner_rep_id: Annotated[str | None, Query(max_length=64)] = None,
    cooling: Annotated[bool | None, Query(description=(
        "true: only accounts showing a cooling sign; false: only those showing none"))] = None,
    contract_ends_before: Annotated[str | None, Query(
        description="Only contracts ending before this day (YYYY-MM-DD)", pattern=DAY.pattern,
        json_schema_extra={"format": "date", "pattern": SCHEMA_DAY})] = None,
    sort: Annotated[Literal["name", "next_visit_due", "contract_end", "health"], Query(
        description="Ascending; health: the lowest score first, ramp-up and unknown last"
    )] = "name",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    cursor: Annotated[str | None, Query(max_length=400, pattern=r"^[A-Za-z0-9_-]+$",
                                        description="next_cursor of the previous page")] = None,
) -> DocumentResponse:
    """A rep's own accounts (and those being handed to them); everyone's for others.
    Searched, filtered, sorted, and paged by cursor: following next_cursor to its end lists
    every account once, even while accounts are opened."""
    ask = ListAsk(q=q, owner_rep_id=owner_rep_id, cooling=cooling,
                  contract_ends_before=parse_day(contract_ends_before, "contract_ends_before"),
                  sort=sort, limit=limit, cursor=cursor)
    return DocumentResponse(public(
        account_list(views, settings, actor, people_of(app), app.clock(), ask)))


@router.get("/{account_id}", response_model=AccountPublic, summary="The relationship view",
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


@router.post("/{account_id}/cadence", response_model=RecordedPublic,
             responses=WRITTEN[200], dependencies=[WRITERS],
             summary="Agree a new visit cadence", openapi_extra=request_body(CadenceChange))
def agree_cadence(account_id: UUID,
                  payload: Annotated[CadenceChange, write_body(CadenceChange)],
                  write: WriteDep) -> JSONResponse:
    """Record the visit rhythm agreed with the customer (訪問頻度)."""
    return write.record(account_id, Account.agree_visit_cadence, payload.model_dump(), status=200)


@router.patch("/{account_id}", response_model=DetailsChangedPublic,
              responses=WRITTEN[200], dependencies=[allow(Role.REP, Role.MANAGER, Role.ADMIN)],
              summary="Change the account's details",
              openapi_extra=request_body(AccountDetailsChange))
def change_details(account_id: UUID,
                   payload: Annotated[AccountDetailsChange, write_body(AccountDetailsChange)],
                   write: WriteDep) -> JSONResponse:
    """A new name (社名変更), address (移転), phone or area: the owner, a manager or an
    admin. Values the account already has are not recorded again; when none differs,
    nothing is appended (200, event_id null)."""
    return write.record(account_id, Account.change_details, payload.given(), status=200)
