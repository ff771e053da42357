"""Audit: verify the hash chain, publish its head, export the timeline."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.access import allow
from api.deps import AppDep
from api.reads.audited import EXPORT_MEDIA, audited_account
from api.reads.models import DigestPublic, VerifyPublic
from audit.chain import chained
from audit.export import stream, timeline
from audit.verify import Digest, digest, verify
from domain.values import Role

router = APIRouter(prefix="/v1/audit", tags=["audit"])
AUDITORS = allow(Role.AUDITOR, Role.ADMIN)


@router.get("/verify", response_model=VerifyPublic, summary="Verify the hash chain",
            dependencies=[AUDITORS])
def verify_chain(
    app: AppDep,
    account_id: UUID | None = None,
    expected_digest: Annotated[str | None, Query(
        alias="digest", pattern=r"^[0-9a-fA-F]{64}@[0-9]{1,18}$",
        description="A head published earlier: <hex>@<notification id>")] = None,
) -> dict[str, Any]:
    """Recompute the chains: ok, events checked, and the first altered event if any."""
    expected = None
    if expected_digest is not None:
        expected = Digest.parse(expected_digest)  # the pattern above was checked
    if account_id is not None:
        audited_account(app, account_id)
    result = verify(chained(app.recorder), account_id=account_id, expected_digest=expected,
                    mapper=app.mapper)
    return result.as_dict()


@router.get("/digest", response_model=DigestPublic, summary="The head of the store-wide chain",
            dependencies=[AUDITORS])
def head_digest(app: AppDep) -> dict[str, Any]:
    """Publish this somewhere Tsunagi cannot write; compare with it later."""
    head = digest(chained(app.recorder))
    return {"digest": str(head) if head else None,
            "notification_id": head.notification_id if head else None}


@router.get("/export", summary="Export the timeline", dependencies=[allow(Role.AUDITOR)],
            response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}})
def export_timeline(app: AppDep, account_id: UUID | None = None,
           format: Literal["jsonl", "csv"] = "jsonl",
           bom: Annotated[bool, Query(description="UTF-8 BOM, for Excel")] = False,
           ) -> StreamingResponse:
    """Every stored event, oldest first, with ids, versions, both times and hashes."""
    if account_id is not None:
        audited_account(app, account_id)
    lines = timeline(chained(app.recorder), app.mapper, account_id=account_id)
    name = f"tsunagi-{account_id or 'store'}.{format}"
    return StreamingResponse(stream(lines, format, bom=bom), media_type=EXPORT_MEDIA[format],
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
