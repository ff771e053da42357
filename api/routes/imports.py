"""Imports (取込): past records from Excel 日報 and other systems, through the one import
module (api.imports), as the CLI's ``tsunagi import`` does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import BODY_MODELS
from api.deps import ActorDep, AppDep
from api.errors import problem
from api.imports import FORMATS, ImportRefused, run_import
from api.imports.engine import ADMIN_ONLY
from api.schemas import ImportFile, ImportPublic
from domain.values import Role

PATH = "/v1/imports"
MAX_FILE_BYTES = 20 * 1024 * 1024
router = APIRouter(prefix=PATH, tags=["imports"])
BODY_MODELS.append(ImportFile)
CSV_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"$ref": "#/components/schemas/ImportFile"}}}}}


@router.post("", status_code=201, response_model=ImportPublic, summary="Import past records",
             dependencies=[allow(Role.MANAGER, Role.ADMIN)], openapi_extra=CSV_BODY,
             responses={200: {"model": ImportPublic, "description": "A dry run"},
                        403: {"description": "tsunagi-jsonl (a restore) is for an admin"},
                        413: {"description": "The file is over 20 MiB"}})
async def import_records(
    request: Request, app: AppDep, actor: ActorDep,
    format: Annotated[str, Query(description="tsunagi-csv (日報), or tsunagi-jsonl (a "
                                             "store's own export, restored: admin only)",
                                 json_schema_extra={"enum": list(FORMATS)})] = "tsunagi-csv",
    dry_run: Annotated[bool, Query(description="validate every row, append nothing")] = False,
) -> JSONResponse:
    """Import a file (UTF-8, UTF-8 with BOM or Shift_JIS/CP932, detected or named by
    ``charset=``; up to 20 MiB): each good row appended with its provenance, each bad row
    reported with its column; a row already imported counts as a duplicate."""
    if format in ADMIN_ONLY and actor.role is not Role.ADMIN:
        raise HTTPException(403, f"{format} restores a store's own export: admin only")
    data = await request.body()
    try:
        report = await run_in_threadpool(run_import, app, actor, data, format=format,
                                         charset=_charset(request), dry_run=dry_run)
    except ImportRefused as exc:
        where = ["query", "format"] if format not in FORMATS else ["body"]
        return problem(422, str(exc), slug="import-refused",
                       errors=[{"loc": where, "msg": str(exc)}])
    return JSONResponse(report.public(), status_code=200 if dry_run else 201)


def _charset(request: Request) -> str | None:
    for parameter in request.headers.get("content-type", "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None
