"""Contract renewals (契約更新): end date, terms, annual value."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import request_body
from api.schemas import RecordedPublic, RenewalCreate
from api.writes import WRITTEN, WriteDep, write_body
from domain.account import Account
from domain.values import Role

router = APIRouter(prefix="/v1/accounts/{account_id}/renewals", tags=["contract"])


@router.post("", status_code=201, response_model=RecordedPublic,
             responses=WRITTEN[201],
             dependencies=[allow(Role.REP, Role.MANAGER)], summary="Record a renewal",
             openapi_extra=request_body(RenewalCreate))
def renew_contract(account_id: UUID, payload: Annotated[RenewalCreate, write_body(RenewalCreate)],
                   write: WriteDep) -> JSONResponse:
    """Record a contract renewal with its new end date and annual value in JPY."""
    return write.record(account_id, Account.renew_contract, payload.model_dump())
