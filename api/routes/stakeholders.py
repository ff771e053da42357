"""Stakeholders (先方担当者): who decides, who influences, and their moves (異動)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import request_body
from api.schemas import (
    StakeholderChange,
    StakeholderCreate,
    StakeholderLeave,
    StakeholderRecordedPublic,
)
from api.writes import WRITTEN, WriteDep, write_body
from domain.account import Account
from domain.values import Role

router = APIRouter(prefix="/v1/accounts/{account_id}/stakeholders", tags=["stakeholders"])
WRITERS = allow(Role.REP, Role.MANAGER)


@router.post("", status_code=201, response_model=StakeholderRecordedPublic,
             responses=WRITTEN[201], dependencies=[WRITERS],
             summary="Add a stakeholder", openapi_extra=request_body(StakeholderCreate))
def add_stakeholder(account_id: UUID,
                    payload: Annotated[StakeholderCreate, write_body(StakeholderCreate)],
                    write: WriteDep) -> JSONResponse:
    """Record a person at the customer: role, decision power, stance."""
    return write.record(account_id, Account.add_stakeholder, payload.model_dump(),
                        item_key="stakeholder_id")


@router.post("/{stakeholder_id}/change", response_model=StakeholderRecordedPublic,
             responses=WRITTEN[200], dependencies=[WRITERS],
             summary="Record a change", openapi_extra=request_body(StakeholderChange))
def change_stakeholder(account_id: UUID, stakeholder_id: str,
                       payload: Annotated[StakeholderChange, write_body(StakeholderChange)],
                       write: WriteDep) -> JSONResponse:
    """A new title, decision power or stance."""
    return write.record(account_id, Account.change_stakeholder,
                        {"stakeholder_id": stakeholder_id, **payload.model_dump()},
                        item_key="stakeholder_id", status=200)


@router.post("/{stakeholder_id}/leave", response_model=StakeholderRecordedPublic,
             responses=WRITTEN[200], dependencies=[WRITERS],
             summary="Record that a stakeholder left", openapi_extra=request_body(StakeholderLeave))
def stakeholder_left(account_id: UUID, stakeholder_id: str,
                     payload: Annotated[StakeholderLeave, write_body(StakeholderLeave)],
                     write: WriteDep) -> JSONResponse:
    """The person moved on (異動, 退職)."""
    return write.record(account_id, Account.stakeholder_left,
                        {"stakeholder_id": stakeholder_id, **payload.model_dump()},
                        item_key="stakeholder_id", status=200)
