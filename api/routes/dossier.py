"""The handover dossier (引き継ぎ資料), as JSON or as printable Markdown."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, HTTPException, Query
from fastapi.responses import PlainTextResponse, Response

from api.access import allow, readable_account
from api.deps import ActorDep, AppDep, SettingsDep, ViewsDep
from api.markdown import render
from api.params import parse_instant
from api.reads import wait_for_views
from api.responses import DocumentResponse
from api.routes.accounts import AS_OF_BASIS, INSTANT_QUERY, account_as_of, reading_of
from api.settings import Settings
from domain.account import Account
from domain.values import Role
from projections import quarantine
from projections.asof import VIEWS as AS_OF_VIEWS
from projections.asof import Basis
from projections.base import Document
from projections.dossier import DossierView, evolve, present
from projections.quarantine import Reading
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
    account = readable_account(app, actor, account_id)
    at = parse_instant(as_of, "as_of")
    if at is not None:
        stood = account_as_of(app, views, settings, actor, account_id, at, as_of_basis)
        reading = reading_of(views, account_id, AS_OF_VIEWS)
        reading.skipped(stood)
        document = stood["dossier"]
    else:
        reading = Reading()
        document = dossier_document(views, settings, account_id, account, reading)
    presented = present(document, at or app.clock(), settings.ramp_up_days, reading)
    if reading.incomplete:
        presented["incomplete"] = reading.incomplete
    if accept and "text/markdown" in accept:
        return PlainTextResponse(markdown(presented, reading),
                                 media_type="text/markdown; charset=utf-8")
    return DocumentResponse(presented, headers={"ETag": f'"{document["version"]}"'})


INCOMPLETE_JA = ("> **注意: この資料は不完全です。** 記録の一部 ({count}件) を"
                 "表示に反映できませんでした。管理者が確認中です (`tsunagi quarantine`)。")


def markdown(presented: Document, reading: Reading) -> str:
    """The printable dossier; a notice under its title when it is incomplete. A value the
    renderer cannot print leaves the notice and the account's name, never a 500."""
    text = reading.guard("markdown", lambda: render(presented),
                         lambda: f"# 引き継ぎ資料: {presented['account'].get('name', '')}\n")
    incomplete = reading.incomplete
    if not incomplete:
        return text
    count = len(incomplete["quarantined_events"]) + len(incomplete.get("unreadable", []))
    title, _, rest = text.partition("\n")
    return f"{title}\n\n{INCOMPLETE_JA.format(count=count)}\n{rest}"


def dossier_document(views: Views, settings: Settings, account_id: UUID,
                     account: Account | None = None, reading: Reading | None = None) -> Document:
    """The account's folded dossier document, once the view has every acknowledged write.
    A dossier view that quarantined the account's opening starts from the aggregate's."""
    wait_for_views(views, settings, "dossier")
    if reading is not None:
        reading.quarantined = reading_of(views, account_id, ("dossier",)).quarantined
    view: DossierView = views["dossier"]  # type: ignore[assignment]
    document = view.document(str(account_id))
    if document is None and account is not None and reading is not None \
            and reading.quarantined:
        document = evolve(None, quarantine.stand_in_opening(account))
    if document is None:
        raise HTTPException(503, "the dossier is catching up", headers={"Retry-After": "1"})
    return document
