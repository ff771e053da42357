"""Corrections (訂正): a new event points at the wrong one; nothing is edited or deleted."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import request_body
from api.deps import SettingsDep, ViewsDep
from api.reads.common import wait_for_views
from api.schemas import CorrectionCreate, RecordedPublic
from api.writes import WRITTEN, WriteDep, write_body
from domain.errors import NotCorrectable
from domain.values import Role
from projections.history import HistoryView

router = APIRouter(prefix="/v1/accounts/{account_id}/corrections", tags=["corrections"])
DATES = {"due_date", "contract_end"}
TIMES = {"occurred_at"}


def _typed(corrections: dict[str, Any]) -> dict[str, Any]:
    """JSON gives text; the domain checks dates and times as such."""
    typed = dict(corrections)
    for name, value in corrections.items():
        parse = date.fromisoformat if name in DATES else (
            datetime.fromisoformat if name in TIMES else None)
        if parse is None:
            continue
        try:
            typed[name] = parse(value)
        except (TypeError, ValueError):
            raise RequestValidationError([{"loc": ("body", "corrections", name),
                                           "msg": "not a valid date/time", "type": "value_error"}]
                                         ) from None
    return typed


@router.post("", status_code=201, response_model=RecordedPublic,
             responses=WRITTEN[201],
             dependencies=[allow(Role.REP, Role.MANAGER)], summary="Correct an earlier record",
             openapi_extra=request_body(CorrectionCreate))
def correct_record(account_id: UUID,
                   payload: Annotated[CorrectionCreate, write_body(CorrectionCreate)],
                   write: WriteDep, views: ViewsDep, settings: SettingsDep) -> JSONResponse:
    """Say what was wrong in an earlier event; views show the corrected value, history keeps
    the original."""
    wait_for_views(views, settings, "history")
    history: HistoryView = views["history"]  # type: ignore[assignment]
    found = history.find_event(str(payload.corrected_event_id))
    if found is None or found["account_id"] != str(account_id):
        raise NotCorrectable(f"no event {payload.corrected_event_id} on this account",
                             field="corrected_event_id")
    return write.correct(account_id, corrected_event_id=payload.corrected_event_id,
                         corrected_version=found["version"],
                         corrections=_typed(payload.corrections), reason=payload.reason)
