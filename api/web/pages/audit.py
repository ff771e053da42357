"""The auditor's page (監査): the account as it stood at a chosen instant, the hash-chain
verification and the timeline export, with the same functions as /v1/audit."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from api.access import readable_account
from api.deps import AppDep, SettingsDep, ViewsDep
from api.reads.accounts import account_as_of
from api.reads.audited import EXPORT_MEDIA, audited_account
from api.web import labels
from api.web.pages.accounts import account_uuid
from api.web.pages.dossier import basis_of, instant
from api.web.render import SECURITY_HEADERS, render_page
from api.web.session import PageActor, require
from audit.chain import chained
from audit.export import stream, timeline
from audit.verify import verify
from domain.values import Role
from projections import health

router = APIRouter(include_in_schema=False)
EXPORTS = (("jsonl", False, "JSON Lines"), ("csv", False, "CSV"),
           ("csv", True, "CSV（Excel用・BOM付き）"))


@router.get("/accounts/{account_id}/audit")
def audit_page(request: Request, account_id: str, app: AppDep, views: ViewsDep,
               settings: SettingsDep, actor: PageActor, as_of: str | None = None,
               basis: str | None = None, check: str | None = None) -> Response:
    require(actor, Role.AUDITOR, Role.MANAGER)
    found = account_uuid(account_id)
    account = audited_account(app, found) if actor.role is Role.AUDITOR else \
        readable_account(app, actor, found)
    at, chosen = instant(as_of), basis_of(basis)
    stood: dict[str, Any] | None = None
    if at is not None and account is not None:
        documents = account_as_of(app, views, settings, actor, found, at, chosen)
        stood = {"doc": documents["relationship"],
                 "report": health.health_report(documents["dossier"]["health"], at,
                                                settings.ramp_up_days,
                                                settings.warning_limits)}
    verification = None
    if check and actor.role is Role.AUDITOR:
        verification = verify(chained(app.recorder), account_id=found, mapper=app.mapper)
    return render_page(request, "audit.html", {
        "account_id": str(found), "name": account.name if account else str(found),
        "unreadable": account is None, "at": at, "basis": chosen,
        "picked": as_of or labels.datetime_local(app.clock()), "stood": stood,
        "verification": verification, "exports": EXPORTS,
        "is_auditor": actor.role is Role.AUDITOR,
    })


@router.get("/accounts/{account_id}/audit/export")
def export(account_id: str, app: AppDep, actor: PageActor, format: str = "csv",
           bom: str | None = None) -> Response:
    """The account's timeline as a file, exactly as GET /v1/audit/export streams it."""
    require(actor, Role.AUDITOR)
    found = account_uuid(account_id)
    audited_account(app, found)
    kind: Literal["jsonl", "csv"] = "jsonl" if format == "jsonl" else "csv"
    lines = timeline(chained(app.recorder), app.mapper, account_id=found)
    name = f"tsunagi-{found}.{kind}"
    return StreamingResponse(
        stream(lines, kind, bom=bool(bom)), media_type=EXPORT_MEDIA[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": SECURITY_HEADERS["Cache-Control"]})
