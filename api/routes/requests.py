"""Customer requests (要望): 短納期, 値下げ, 特別対応 — and what we conceded, the precedent."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import request_body
from api.schemas import RequestAnswer, RequestCreate, RequestRecordedPublic
from api.writes import WRITTEN, WriteDep, write_body
from domain.account import Account
from domain.values import Role

router = APIRouter(prefix="/v1/accounts/{account_id}/requests", tags=["customer requests"])
WRITERS = allow(Role.REP, Role.MANAGER)


@router.post("", status_code=201, response_model=RequestRecordedPublic,
             responses=WRITTEN[201], dependencies=[WRITERS],
             summary="Receive a customer request", openapi_extra=request_body(RequestCreate))
def receive_request(account_id: UUID,
                    payload: Annotated[RequestCreate, write_body(RequestCreate)],
                    write: WriteDep) -> JSONResponse:
    """Record what the customer asked for."""
    return write.record(account_id, Account.receive_request, payload.model_dump(),
                        item_key="request_id")


@router.post("/{request_id}/answer", response_model=RequestRecordedPublic,
             responses=WRITTEN[200], dependencies=[WRITERS],
             summary="Answer a customer request", openapi_extra=request_body(RequestAnswer))
def answer_request(account_id: UUID, request_id: str,
                   payload: Annotated[RequestAnswer, write_body(RequestAnswer)],
                   write: WriteDep) -> JSONResponse:
    """Accepted, partly or declined, with the concession: what a successor must know."""
    return write.record(account_id, Account.answer_request,
                        {"request_id": request_id, **payload.model_dump()},
                        item_key="request_id", status=200)
