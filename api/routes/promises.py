"""Promises (約束): made, renegotiated, then kept, broken or cancelled. They survive handover."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import request_body
from api.schemas import PromiseClose, PromiseCreate, PromiseRecordedPublic, PromiseRenegotiate
from api.writes import WRITTEN, WriteDep, write_body
from domain.account import Account
from domain.values import Role

router = APIRouter(prefix="/v1/accounts/{account_id}/promises", tags=["promises"])
WRITERS = allow(Role.REP, Role.MANAGER)


@router.post("", status_code=201, response_model=PromiseRecordedPublic,
             responses=WRITTEN[201], dependencies=[WRITERS],
             summary="Make a promise", openapi_extra=request_body(PromiseCreate))
def make_promise(account_id: UUID, payload: Annotated[PromiseCreate, write_body(PromiseCreate)],
                 write: WriteDep) -> JSONResponse:
    """Record a promise made to the customer, with its due date."""
    return write.record(account_id, Account.make_promise, payload.model_dump(),
                        item_key="promise_id")


@router.post("/{promise_id}/close", response_model=PromiseRecordedPublic,
             responses=WRITTEN[200], dependencies=[WRITERS],
             summary="Close a promise", openapi_extra=request_body(PromiseClose))
def close_promise(account_id: UUID, promise_id: str,
                  payload: Annotated[PromiseClose, write_body(PromiseClose)],
                  write: WriteDep) -> JSONResponse:
    """Kept, broken or cancelled: a promise is closed once."""
    return write.record(account_id, Account.close_promise,
                        {"promise_id": promise_id, **payload.model_dump()},
                        item_key="promise_id", status=200)


@router.post("/{promise_id}/renegotiate", response_model=PromiseRecordedPublic,
             responses=WRITTEN[200],
             dependencies=[WRITERS], summary="Move a promise's due date",
             openapi_extra=request_body(PromiseRenegotiate))
def renegotiate_promise(account_id: UUID, promise_id: str,
                        payload: Annotated[PromiseRenegotiate, write_body(PromiseRenegotiate)],
                        write: WriteDep) -> JSONResponse:
    """Agree a new due date with the customer."""
    return write.record(account_id, Account.renegotiate_promise,
                        {"promise_id": promise_id, **payload.model_dump()},
                        item_key="promise_id", status=200)
