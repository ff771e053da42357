"""The handover dossier (引き継ぎ資料), as JSON or as printable Markdown."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, HTTPException, Query
from fastapi.responses import PlainTextResponse, Response

from api.deps import (
    ActorDep,
    AppDep,
    SettingsDep,
    ViewsDep,
    allow,
    parse_instant,
    readable_account,
    wait_for_views,
)
from api.markdown import render
from api.responses import DocumentResponse
from api.routes.accounts import AS_OF_BASIS, INSTANT_QUERY, account_as_of
from api.settings import Settings
from domain.values import Role
from projections.asof import Basis
from projections.base import Document
from projections.dossier import DossierView, present
from projections.runner import Views

router = APIRouter(prefix="/v1/accounts/{account_id}", tags=["dossier"])


@router.get("/dossier", summary="The handover dossier",
            dependencies=[allow(Role.REP, Role.MANAGER, Role.AUDITOR)],
            responses={200: {"content": {"application/json": {}, "text/markdown": {}}}})
def dossier(account_id: UUID, app: AppDep, views: ViewsDep, settings: SettingsDep,
            actor: ActorDep, accept: Annotated[str | None, Header()] = None,
            as_of: Annotated[str | None, INSTANT_QUERY] = None,
            as_of_basis: Annotated[Basis, Query(description=AS_OF_BASIS)] = "recorded",
            ) -> Response:
    """Everything a successor must know, each item with the events it came from."""
    readable_account(app, actor, account_id)
    at = parse_instant(as_of, "as_of")
    if at is not None:
        document = account_as_of(app, views, settings, actor, account_id, at,
                                 as_of_basis)["dossier"]
        presented = present(document, at, settings.ramp_up_days)
    else:
        document = dossier_document(views, settings, account_id)
        presented = present(document, app.clock(), settings.ramp_up_days)
    if accept and "text/markdown" in accept:
        return PlainTextResponse(render(presented), media_type="text/markdown; charset=utf-8")
    return DocumentResponse(presented, headers={"ETag": f'"{document["version"]}"'})


def dossier_document(views: Views, settings: Settings, account_id: UUID) -> Document:
    """The account's folded dossier document, once the view has every acknowledged write."""
    wait_for_views(views, settings, "dossier")
    view: DossierView = views["dossier"]  # type: ignore[assignment]
    document = view.document(str(account_id))
    if document is None:
        raise HTTPException(503, "the dossier is catching up", headers={"Retry-After": "1"})
    return document
