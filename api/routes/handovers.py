"""Handovers (引き継ぎ): initiated → dossier acknowledged → joint visit → customer informed →
checkpoint → completed, and the checkpoint held (often after completion). From initiation
the successor may read the account. Every step may be dated in the past (``occurred_at``),
never in the future nor before the handover began; the domain says which step may follow
which (``Account._next_step_time``, ``Account._closing_step_time``)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from api.access import allow, readable_account
from api.bodies import request_body
from api.deps import ActorDep, AppDep, SettingsDep, ViewsDep
from api.reads.dossier import frozen_dossier
from api.reads.models import AcknowledgedDossierPublic
from api.reads.people import People
from api.schemas import (
    CheckpointCreate,
    CheckpointHeld,
    HandoverCancel,
    HandoverCreate,
    HandoverMoment,
    HandoverRecordedPublic,
    HandoverStep,
)
from api.writes import WRITTEN, WriteDep, optional_write_body, write_body
from domain.account import Account
from domain.values import Role

router = APIRouter(prefix="/v1/accounts/{account_id}/handovers", tags=["handovers"])
MANAGERS = allow(Role.MANAGER)
PARTIES = allow(Role.REP, Role.MANAGER)


@router.post("", status_code=201, response_model=HandoverRecordedPublic,
             responses=WRITTEN[201], dependencies=[MANAGERS],
             summary="Start a handover", openapi_extra=request_body(HandoverCreate))
def initiate_handover(account_id: UUID,
                      payload: Annotated[HandoverCreate, write_body(HandoverCreate)],
                      write: WriteDep) -> JSONResponse:
    """Name the successor; from now on they may read the account."""
    return write.record(account_id, Account.initiate_handover, payload.model_dump(),
                        item_key="handover_id")


@router.post("/{handover_id}/acknowledge", response_model=HandoverRecordedPublic,
             responses=WRITTEN[200],
             dependencies=[allow(Role.REP)], summary="Acknowledge the dossier",
             openapi_extra=request_body(HandoverMoment))
def acknowledge_dossier(account_id: UUID, handover_id: str,
                payload: Annotated[HandoverMoment, write_body(HandoverMoment)],
                write: WriteDep) -> JSONResponse:
    """The successor has read the dossier; it is frozen as it stands now."""
    return write.record(account_id, Account.acknowledge_dossier,
                        {"handover_id": handover_id, **payload.model_dump()},
                        item_key="handover_id", status=200)


@router.post("/{handover_id}/joint-visit", response_model=HandoverRecordedPublic,
             responses=WRITTEN[200],
             dependencies=[PARTIES], summary="Record the joint visit",
             openapi_extra=request_body(HandoverStep))
def record_joint_visit(account_id: UUID, handover_id: str,
                payload: Annotated[HandoverStep, write_body(HandoverStep)],
                write: WriteDep) -> JSONResponse:
    """Predecessor and successor visited together (同行訪問)."""
    return write.record(account_id, Account.record_joint_visit,
                        {"handover_id": handover_id, **payload.model_dump()},
                        item_key="handover_id", status=200)


@router.post("/{handover_id}/customer-informed", response_model=HandoverRecordedPublic,
             responses=WRITTEN[200],
             dependencies=[PARTIES], summary="Record that the customer was told",
             openapi_extra=request_body(HandoverStep))
def record_customer_informed(account_id: UUID, handover_id: str,
                      payload: Annotated[HandoverStep, write_body(HandoverStep)],
                      write: WriteDep) -> JSONResponse:
    """The customer knows who their new rep is."""
    return write.record(account_id, Account.record_customer_informed,
                        {"handover_id": handover_id, **payload.model_dump()},
                        item_key="handover_id", status=200)


@router.post("/{handover_id}/checkpoint", response_model=HandoverRecordedPublic,
             responses=WRITTEN[200],
             dependencies=[PARTIES], summary="Schedule a checkpoint",
             openapi_extra=request_body(CheckpointCreate))
def schedule_checkpoint(account_id: UUID, handover_id: str,
               payload: Annotated[CheckpointCreate, write_body(CheckpointCreate)],
               write: WriteDep) -> JSONResponse:
    """A date to look back on how the handover went."""
    return write.record(account_id, Account.schedule_checkpoint,
                        {"handover_id": handover_id, **payload.model_dump()},
                        item_key="handover_id", status=200)


@router.post("/{handover_id}/checkpoint-held", response_model=HandoverRecordedPublic,
             responses=WRITTEN[200],
             dependencies=[PARTIES], summary="Record that the checkpoint was held",
             openapi_extra=request_body(CheckpointHeld))
def record_checkpoint_held(account_id: UUID, handover_id: str,
                    payload: Annotated[CheckpointHeld, write_body(CheckpointHeld)],
                    write: WriteDep) -> JSONResponse:
    """The handover's review took place (振り返り実施); its checkpoint warning ends."""
    return write.record(account_id, Account.record_checkpoint_held,
                        {"handover_id": handover_id, **payload.model_dump()},
                        item_key="handover_id", status=200)


@router.post("/{handover_id}/complete", response_model=HandoverRecordedPublic,
             responses=WRITTEN[200],
             dependencies=[PARTIES], summary="Complete the handover",
             openapi_extra=request_body(HandoverMoment, required=False))
def complete_handover(account_id: UUID, handover_id: str,
             payload: Annotated[HandoverMoment, optional_write_body(HandoverMoment)],
             write: WriteDep) -> JSONResponse:
    """The successor becomes the owner, from occurred_at if given; the predecessor loses
    access."""
    return write.record(account_id, Account.complete_handover,
                        {"handover_id": handover_id, **payload.model_dump()},
                        item_key="handover_id", status=200)


@router.post("/{handover_id}/cancel", response_model=HandoverRecordedPublic,
             responses=WRITTEN[200], dependencies=[MANAGERS],
             summary="Cancel the handover", openapi_extra=request_body(HandoverCancel))
def cancel_handover(account_id: UUID, handover_id: str,
           payload: Annotated[HandoverCancel, write_body(HandoverCancel)],
           write: WriteDep) -> JSONResponse:
    """The handover will not happen; the successor loses access."""
    return write.record(account_id, Account.cancel_handover,
                        {"handover_id": handover_id, **payload.model_dump()},
                        item_key="handover_id", status=200)


@router.get("/{handover_id}/dossier", response_model=AcknowledgedDossierPublic,
            summary="The dossier the successor acknowledged",
            dependencies=[allow(Role.REP, Role.MANAGER, Role.AUDITOR)])
def get_acknowledged_dossier(account_id: UUID, handover_id: str, app: AppDep, views: ViewsDep,
                         settings: SettingsDep, actor: ActorDep) -> dict[str, Any]:
    """Exactly what the successor acknowledged, frozen at that moment."""
    readable_account(app, actor, account_id)
    frozen = frozen_dossier(views, settings, account_id, handover_id, People(app))
    if frozen is None:
        raise HTTPException(404, f"handover {handover_id} has no acknowledged dossier")
    return frozen
