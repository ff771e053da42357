"""The handover dossier (引き継ぎ資料), as JSON or as printable Markdown."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query
from fastapi.responses import PlainTextResponse, Response

from api.access import allow, readable_account
from api.conditional import ETAG_HEADER, NOT_MODIFIED, IfNoneMatch, tagged
from api.deps import ActorDep, AppDep, SettingsDep, ViewsDep
from api.markdown import SECTION_MARKERS, render
from api.params import parse_instant
from api.reads.dossier import dossier_read
from api.reads.models import DossierPublic, public
from api.reads.people import People
from api.routes.accounts import AS_OF_BASIS, INSTANT_QUERY
from domain.values import Role
from projections.asof import Basis
from projections.base import Document
from projections.quarantine import Reading

router = APIRouter(prefix="/v1/accounts/{account_id}", tags=["dossier"])
MARKDOWN = {"schema": {"type": "string", "description": "With Accept: text/markdown: the "
                       "printable dossier, people by name"},
            "example": "# 引き継ぎ資料: 株式会社山田製作所\n\n## 未完了の約束\n\n"
                       "- 見積書を再提出する (期日 2026-11-27, 佐藤 健)\n"}


@router.get("/dossier", response_model=DossierPublic, summary="The handover dossier",
            dependencies=[allow(Role.REP, Role.MANAGER, Role.AUDITOR)],
            responses={200: {"content": {"application/json": {}, "text/markdown": MARKDOWN},
                             "headers": ETAG_HEADER}, **NOT_MODIFIED})
def dossier(account_id: UUID, app: AppDep, views: ViewsDep, settings: SettingsDep,
            actor: ActorDep, accept: Annotated[str | None, Header()] = None,
            as_of: Annotated[str | None, INSTANT_QUERY] = None,
            as_of_basis: Annotated[Basis, Query(description=AS_OF_BASIS)] = "recorded",
            if_none_match: IfNoneMatch = None,
            ) -> Response:
    """Everything a successor must know, each item with the events it came from."""
    account = readable_account(app, actor, account_id)
    read = dossier_read(app, views, settings, actor, account, parse_instant(as_of, "as_of"),
                        as_of_basis)
    presented = public(read.public())
    if accept and "text/markdown" in accept:
        return PlainTextResponse(markdown(presented, read.reading, People(app)),
                                 media_type="text/markdown; charset=utf-8", headers=VARY)
    return tagged(presented, read.version, if_none_match, VARY)


VARY = {"Vary": "Accept"}  # JSON or Markdown, by Accept: caches keep them apart


INCOMPLETE_JA = (SECTION_MARKERS["incomplete"] + " 記録の一部 ({count}件) を"
                 "表示に反映できませんでした。管理者が確認中です (`tsunagi quarantine`)。")


def markdown(presented: Document, reading: Reading, people: People) -> str:
    """The printable dossier, people by name; a notice under its title when it is
    incomplete. A value the renderer cannot print leaves the notice and the account's name,
    never a 500."""
    text = reading.guard("markdown", lambda: render(presented, people),
                         lambda: f"# 引き継ぎ資料: {presented['account'].get('name', '')}\n")
    incomplete = reading.incomplete
    if not incomplete:
        return text
    count = len(incomplete["quarantined_events"]) + len(incomplete.get("unreadable", []))
    title, _, rest = text.partition("\n")
    return f"{title}\n\n{INCOMPLETE_JA.format(count=count)}\n{rest}"
