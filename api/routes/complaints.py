"""Complaints (クレーム): received → acknowledged → apologised → remedy proposed → resolved."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import request_body
from api.schemas import (
    ComplaintCreate,
    ComplaintRecordedPublic,
    ComplaintResolve,
    ComplaintStep,
    RemedyCreate,
)
from api.writes import WRITTEN, WriteDep, write_body
from domain.account import Account
from domain.values import Role

router = APIRouter(prefix="/v1/accounts/{account_id}/complaints", tags=["complaints"])
WRITERS = allow(Role.REP, Role.MANAGER)


@router.post("", status_code=201, response_model=ComplaintRecordedPublic,
             responses=WRITTEN[201], dependencies=[WRITERS],
             summary="Receive a complaint", openapi_extra=request_body(ComplaintCreate))
def receive_complaint(account_id: UUID,
                      payload: Annotated[ComplaintCreate, write_body(ComplaintCreate)],
                      write: WriteDep) -> JSONResponse:
    """Record a complaint as the customer made it, and when."""
    return write.record(account_id, Account.receive_complaint, payload.model_dump(),
                        item_key="complaint_id")


@router.post("/{complaint_id}/acknowledge", response_model=ComplaintRecordedPublic,
             responses=WRITTEN[200],
             dependencies=[WRITERS], summary="Acknowledge a complaint",
             openapi_extra=request_body(ComplaintStep))
def acknowledge_complaint(account_id: UUID, complaint_id: str,
                payload: Annotated[ComplaintStep, write_body(ComplaintStep)],
                write: WriteDep) -> JSONResponse:
    """First response: the customer knows we have it (初動)."""
    return write.record(account_id, Account.acknowledge_complaint,
                        {"complaint_id": complaint_id, **payload.model_dump()},
                        item_key="complaint_id", status=200)


@router.post("/{complaint_id}/apologise", response_model=ComplaintRecordedPublic,
             responses=WRITTEN[200],
             dependencies=[WRITERS], summary="Apologise for a complaint",
             openapi_extra=request_body(ComplaintStep))
def apologise_for_complaint(account_id: UUID, complaint_id: str,
              payload: Annotated[ComplaintStep, write_body(ComplaintStep)],
              write: WriteDep) -> JSONResponse:
    """Record the apology (謝罪)."""
    return write.record(account_id, Account.apologise_for_complaint,
                        {"complaint_id": complaint_id, **payload.model_dump()},
                        item_key="complaint_id", status=200)


@router.post("/{complaint_id}/remedy", response_model=ComplaintRecordedPublic,
             responses=WRITTEN[200], dependencies=[WRITERS],
             summary="Propose a remedy", openapi_extra=request_body(RemedyCreate))
def propose_remedy(account_id: UUID, complaint_id: str,
                   payload: Annotated[RemedyCreate, write_body(RemedyCreate)],
                   write: WriteDep) -> JSONResponse:
    """Record the concrete improvement proposed (改善案)."""
    return write.record(account_id, Account.propose_remedy,
                        {"complaint_id": complaint_id, **payload.model_dump()},
                        item_key="complaint_id", status=200)


@router.post("/{complaint_id}/resolve", response_model=ComplaintRecordedPublic,
             responses=WRITTEN[200], dependencies=[WRITERS],
             summary="Resolve a complaint", openapi_extra=request_body(ComplaintResolve))
def resolve_complaint(account_id: UUID, complaint_id: str,
            payload: Annotated[ComplaintResolve, write_body(ComplaintResolve)],
            write: WriteDep) -> JSONResponse:
    """Record the resolution and any concession (値引き, 特別対応)."""
    return write.record(account_id, Account.resolve_complaint,
                        {"complaint_id": complaint_id, **payload.model_dump()},
                        item_key="complaint_id", status=200)
