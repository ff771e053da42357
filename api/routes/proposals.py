"""Proposals (情報提供・提案) and how the customer reacted."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import request_body
from api.schemas import ProposalCreate, ProposalRecordedPublic, ReactionCreate
from api.writes import WRITTEN, WriteDep, write_body
from domain.account import Account
from domain.values import Role

router = APIRouter(prefix="/v1/accounts/{account_id}/proposals", tags=["proposals"])
WRITERS = allow(Role.REP, Role.MANAGER)


@router.post("", status_code=201, response_model=ProposalRecordedPublic,
             responses=WRITTEN[201], dependencies=[WRITERS],
             summary="Give information or a proposal", openapi_extra=request_body(ProposalCreate))
def give_proposal(account_id: UUID, payload: Annotated[ProposalCreate, write_body(ProposalCreate)],
                  write: WriteDep) -> JSONResponse:
    """Record information given or a proposal made."""
    return write.record(account_id, Account.give_proposal, payload.model_dump(),
                        item_key="proposal_id")


@router.post("/{proposal_id}/reaction", response_model=ProposalRecordedPublic,
             responses=WRITTEN[200], dependencies=[WRITERS],
             summary="Record the customer's reaction", openapi_extra=request_body(ReactionCreate))
def record_reaction(account_id: UUID, proposal_id: str,
                    payload: Annotated[ReactionCreate, write_body(ReactionCreate)],
                    write: WriteDep) -> JSONResponse:
    """Positive, neutral or negative, with a note."""
    return write.record(account_id, Account.record_reaction,
                        {"proposal_id": proposal_id, **payload.model_dump()},
                        item_key="proposal_id", status=200)
