"""Imports (取込): past records from Excel 日報 and other systems, through the one import
module (api.imports), as the CLI's ``tsunagi import`` does."""

from __future__ import annotations

import email.policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.access import allow
from api.bodies import BODY_MODELS
from api.deps import ActorDep, AppDep
from api.errors import problem
from api.imports import FORMATS, PARTS, ImportRefused, run_import
from api.imports.engine import ADMIN_ONLY
from api.schemas import ImportFile, ImportPublic, ImportUpload
from domain.values import Role

PATH = "/v1/imports"
MAX_FILE_BYTES = 20 * 1024 * 1024
MULTIPART = "multipart/form-data"
router = APIRouter(prefix=PATH, tags=["imports"])
BODY_MODELS.extend([ImportFile, ImportUpload])
IMPORT_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"$ref": "#/components/schemas/ImportFile"}},
    MULTIPART: {"schema": {"$ref": "#/components/schemas/ImportUpload"},
                "encoding": {part: {"contentType": "text/csv, application/octet-stream"}
                             for part in ("file", *PARTS)}}}}}


class FormUnreadable(ValueError):
    """A multipart body that does not read, or lacks the file (loc names the part)."""

    def __init__(self, msg: str, part: str | None = None) -> None:
        super().__init__(msg)
        self.part = part


@router.post("", status_code=201, response_model=ImportPublic, summary="Import past records",
             dependencies=[allow(Role.MANAGER, Role.ADMIN)], openapi_extra=IMPORT_BODY,
             responses={200: {"model": ImportPublic, "description": "A dry run"},
                        403: {"description": "tsunagi-jsonl (a restore) is for an admin"},
                        413: {"description": "The file is over 20 MiB"}})
async def import_records(
    request: Request, app: AppDep, actor: ActorDep,
    format: Annotated[str, Query(description=", ".join(FORMATS) + " (tsunagi-jsonl: a "
                                 "store's own export, restored: admin only)",
                                 json_schema_extra={"enum": list(FORMATS)})] = "tsunagi-csv",
    dry_run: Annotated[bool, Query(description="validate every row, append nothing")] = False,
) -> JSONResponse:
    """Import a file (UTF-8, UTF-8 with BOM or Shift_JIS/CP932, detected or named by
    ``charset=``; up to 20 MiB): each good row appended with its provenance, each bad row
    reported with its column; a row already imported counts as a duplicate. The file alone
    is the ``text/csv`` body; with mapping files (``users``, ``accounts``: cybozu-report,
    salesforce-activity) the body is ``multipart/form-data`` with the parts ``file``,
    ``users`` and ``accounts``."""
    if format in ADMIN_ONLY and actor.role is not Role.ADMIN:
        raise HTTPException(403, f"{format} restores a store's own export: admin only")
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    mappings: dict[str, bytes | None] = dict.fromkeys(PARTS)
    try:
        if content_type.split(";")[0].strip().lower() == MULTIPART:
            parts = await run_in_threadpool(form_parts, content_type, body)
            if "file" not in parts:
                raise FormUnreadable("multipart/form-data に file のパートがありません", "file")
            data, charset = parts["file"]
            mappings |= {part: parts[part][0] for part in PARTS if part in parts}
        else:
            data, charset = body, _charset(content_type)
        report = await run_in_threadpool(run_import, app, actor, data, format=format,
                                         charset=charset, dry_run=dry_run,
                                         users=mappings["users"], accounts=mappings["accounts"])
    except (ImportRefused, FormUnreadable) as exc:
        where = (["query", "format"] if format not in FORMATS else
                 ["body", exc.part] if exc.part else ["body"])
        return problem(422, str(exc), slug="import-refused",
                       errors=[{"loc": where, "msg": str(exc)}])
    return JSONResponse(report.public(), status_code=200 if dry_run else 201)


def form_parts(content_type: str, body: bytes) -> dict[str, tuple[bytes, str | None]]:
    """A multipart/form-data body's parts by name (the first of a name): the part's bytes
    as sent and the charset its Content-Type names."""
    try:
        head = f"Content-Type: {content_type}\r\n\r\n".encode("ascii")
    except UnicodeEncodeError:
        raise FormUnreadable("Content-Type を読めません") from None
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise FormUnreadable("本文を multipart/form-data として読めません（boundary を確かめて"
                         "ください）")
    parts: dict[str, tuple[bytes, str | None]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and name not in parts and isinstance(part, EmailMessage):
            payload = part.get_payload(decode=True)
            parts[name] = (payload if isinstance(payload, bytes) else b"",
                           part.get_content_charset())
    return parts


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None
