"""Audit: chain verification and timeline export (built in the audit work)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from api.deps import allow
from domain.values import Role

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("/verify", summary="Verify the hash chain",
            dependencies=[allow(Role.AUDITOR, Role.ADMIN)], status_code=501)
def verify() -> None:
    """Not yet: the hash chain comes with the audit work."""
    raise HTTPException(501, "hash-chain verification is not built yet")


@router.get("/export", summary="Export the timeline", dependencies=[allow(Role.AUDITOR)],
            status_code=501)
def export() -> None:
    """Not yet: the export comes with the audit work."""
    raise HTTPException(501, "export is not built yet")
