"""Visits (訪問): planned and actual time, who was there, small talk, what comes next."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import request_body
from api.schemas import VisitCreate, VisitRecordedPublic
from api.writes import WRITTEN, WriteDep, write_body
from domain.account import Account
from domain.values import Role

router = APIRouter(prefix="/v1/accounts/{account_id}", tags=["visits"])
WRITERS = allow(Role.REP, Role.MANAGER)


@router.post("/visits", status_code=201, response_model=VisitRecordedPublic,
             responses=WRITTEN[201], dependencies=[WRITERS],
             summary="Record a visit", openapi_extra=request_body(VisitCreate))
def record_visit(account_id: UUID, payload: Annotated[VisitCreate, write_body(VisitCreate)],
                 write: WriteDep) -> JSONResponse:
    """Record a visit that happened (it may be yesterday's): 定期訪問の記録."""
    return write.record(account_id, Account.record_visit, payload.model_dump(), item_key="visit_id")
