"""Notes (メモ): a fact or an opinion, with cautions and taboos for the next rep."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import request_body
from api.schemas import NoteCreate, NoteRecordedPublic
from api.writes import WRITTEN, WriteDep, write_body
from domain.account import Account
from domain.values import Role

router = APIRouter(prefix="/v1/accounts/{account_id}/notes", tags=["notes"])


@router.post("", status_code=201, response_model=NoteRecordedPublic,
             responses=WRITTEN[201],
             dependencies=[allow(Role.REP, Role.MANAGER)], summary="Add a note",
             openapi_extra=request_body(NoteCreate))
def add_note(account_id: UUID, payload: Annotated[NoteCreate, write_body(NoteCreate)],
             write: WriteDep) -> JSONResponse:
    """Record a note; say whether it is a fact or an opinion."""
    return write.record(account_id, Account.add_note, payload.model_dump(), item_key="note_id")
