"""The handover dossier (引き継ぎ資料): now, as it stood at an instant, or as the successor
acknowledged it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from fastapi import HTTPException

from api.reads.accounts import stood_as_of
from api.reads.common import reading_of, wait_for_views
from api.reads.models import DossierPublic
from api.reads.people import People
from api.reads.warnings import named_warnings
from api.settings import Settings
from domain.account import Account
from domain.application import Tsunagi
from domain.values import Actor
from projections import quarantine
from projections.asof import Basis
from projections.base import Document
from projections.dossier import DossierView, evolve, present
from projections.quarantine import Reading
from projections.runner import Views


@dataclass(frozen=True)
class DossierRead:
    """The dossier as a reader gets it (``projections.dossier.present``), what could not be
    read of it, and the version of the account it stands at."""

    presented: Document
    reading: Reading
    version: int

    def public(self) -> DossierPublic:
        incomplete = self.reading.incomplete
        return DossierPublic.model_validate(
            {**self.presented, "incomplete": incomplete} if incomplete else self.presented)


def dossier_read(app: Tsunagi, views: Views, settings: Settings, actor: Actor, account: Account,
                 at: datetime | None, basis: Basis) -> DossierRead:
    """Everything a successor must know, each item with the events it came from: now, or as
    it stood at ``at`` (auditors and managers)."""
    if at is not None:
        stood, reading = stood_as_of(app, views, settings, actor, account.id, at, basis)
        document = stood["dossier"]
    else:
        reading = Reading()
        document = dossier_document(views, settings, account.id, account, reading)
    presented = present(document, at or app.clock(), settings.ramp_up_days, reading,
                        settings.warning_limits)
    presented["warnings"] = named_warnings(presented["warnings"], People(app))
    return DossierRead(presented, reading, document["version"])


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


def frozen_dossier(views: Views, settings: Settings, account_id: UUID,
                   handover_id: str, people: People) -> Document | None:
    """Exactly what the successor acknowledged, frozen at that moment (its own document: the
    dossier, the handover and when), or None when that handover has none; its warnings
    name people as every read does."""
    wait_for_views(views, settings, "dossier")
    view: DossierView = views["dossier"]  # type: ignore[assignment]
    frozen = view.acknowledged(str(account_id), handover_id)
    if frozen is not None:
        dossier = frozen["dossier"]
        dossier["warnings"] = named_warnings(dossier["warnings"], people)
    return frozen
