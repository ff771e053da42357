"""What the reads answer, typed: XPublic out, as /v1 serves it.

The routes still answer the dumped dict (``public``), so /openapi.json is what it was; each
model can become its route's ``response_model`` as it stands. Parts whose shape the views
own and grow (promises, complaints, dossier sections, history items) stay documents here."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field, WithJsonSchema

from projections.health_warnings import WarningCode

Instant = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
Document = dict[str, Any]
Incomplete = Annotated[Document | None, Field(
    description="Present when part of the account could not be read; says which")]


def public(model: BaseModel) -> dict[str, Any]:
    """The model as today's JSON: keys by alias, in declaration order, optional parts (as_of,
    incomplete) only when set, nulls kept."""
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


# ---------------------------------------------------------------------- health


class WarningPublic(BaseModel):
    """An early warning, computed (推定) from the events it cites. ``message`` is rendered
    from ``code``, ``facts`` and the person named (``user_id``), by their registered name."""

    code: WarningCode
    severity: str
    message: Annotated[str, Field(
        description="The warning in Japanese, rendered from its facts",
        examples=["約束の期限切れ (2026-11-20, 佐藤 健さんの約束)"])]
    event_ids: list[str]
    user_id: Annotated[str | None, Field(
        description="The person the warning names (whose promise, whose tenure), where it "
                    "names one")] = None
    user_name: Annotated[str | None, Field(
        description="That person's registered name (null for an id that names no user)")] = None
    facts: Annotated[dict[str, str | int | float], Field(
        description="What the warning found, as data: days, hours, dates (YYYY-MM-DD), "
                    "counts, small-talk shares (0–1), the customer's people by name "
                    "(stakeholder); which ones depends on the code",
        examples=[{"due_date": "2026-11-20"}])]


class ComparisonPublic(BaseModel):
    """Like-for-like (同条件比較): the predecessor over the same number of days from the start
    of their tenure, beside the successor's score; and the same season a year before."""

    predecessor_rep_id: str
    days: int
    predecessor_score: int | None
    score: int | None
    same_season_last_year_score: int | None


class TenureHealthPublic(BaseModel):
    rep_id: str
    from_: Instant = Field(alias="from")
    to: Instant | None
    status: str
    score: int | None
    comparison: Annotated[ComparisonPublic | None, Field(
        description="Every tenure after the first: never a bare score beside the "
                    "predecessor's")] = None


class HealthPublic(BaseModel):
    rep_id: str | None
    status: str
    score: int | None
    comparison: Annotated[ComparisonPublic | None, Field(
        description="When the current owner is a successor")] = None
    tenures: list[TenureHealthPublic]
    warnings: list[WarningPublic]
    as_of: Instant


class CurrentHealthPublic(BaseModel):
    rep_id: str | None
    status: str
    score: int | None
    comparison: ComparisonPublic | None = None


# ---------------------------------------------------------------------- accounts


class AccountSummaryPublic(BaseModel):
    """One account as the relationship view holds it (the accounts list)."""

    account_id: UUID
    name: str
    owner_rep_id: str
    successor_rep_id: str | None
    version: int
    visit_cadence_days: int
    last_visit_at: Instant | None
    next_visit_due: Day | None
    open_promises: list[Document]
    open_complaints: list[Document]
    contract: Document
    handover: Document | None


class ListHealthPublic(BaseModel):
    """The current owner's health as the list shows it: during a successor's ramp-up
    (立ち上がり期間) the status says so and no score stands beside the others."""

    status: str
    score: int | None
    as_of: Annotated[Instant, Field(
        description="The score and the warnings read from the pattern of events stand as of "
                    "the account's latest recorded event")]


class AccountListItemPublic(AccountSummaryPublic):
    """One row of the accounts list (a view table row, no document loaded)."""

    owner_name: str | None
    contract_end: Day | None
    health: ListHealthPublic
    warnings: list[WarningPublic]
    cooling: bool


class AccountListPublic(BaseModel):
    items: list[AccountListItemPublic]
    next_cursor: Annotated[str | None, Field(
        description="Pass as cursor for the next page; null on the last page")]


class AccountPublic(AccountSummaryPublic):
    """The relationship view with health, now or as the account stood at ``as_of``."""

    address: Annotated[str | None, Field(description="所在地; null until first given")] = None
    phone: Annotated[str | None, Field(description="代表電話; null until first given")] = None
    area: Annotated[str | None, Field(description="担当エリア; null until first given")] = None
    health: HealthPublic
    as_of: Instant | None = None
    as_of_basis: str | None = None
    incomplete: Incomplete = None


# ---------------------------------------------------------------------- dossier


class DossierAsOfPublic(BaseModel):
    version: int
    recorded_at: Instant
    at: Instant


class DossierPublic(BaseModel):
    """The handover dossier (引き継ぎ資料) as a reader gets it; its sections are the dossier
    view's documents."""

    account: Document
    as_of: DossierAsOfPublic
    handover: Document | None
    tenures: list[Document]
    contract: Document | None
    renewals: list[Document]
    proposals_in_flight: list[Document]
    proposals: list[Document]
    rhythm: Document
    stakeholders: list[Document]
    open_promises: list[Document]
    promise_record: dict[str, int]
    broken_promises: list[Document]
    complaints: list[Document]
    requests: list[Document]
    precedents: list[Document]
    cautions: list[Document]
    notes: list[Document]
    unfinished: list[Document]
    checkpoints: list[Document]
    handover_notes: list[Document]
    corrections: list[Document]
    health: CurrentHealthPublic
    warnings: list[WarningPublic]
    incomplete: Incomplete = None


# ---------------------------------------------------------------------- history, route


class HistoryPublic(BaseModel):
    """One page of an account's events, oldest first."""

    items: list[Document]
    next_cursor: str | None
    incomplete: Incomplete = None


class RoutePublic(BaseModel):
    """A rep's day (今日のルート)."""

    rep_id: str
    visits_due: list[Document]
    promises_due: list[Document]
    complaints_open: list[Document]
    handovers: list[Document]
    on: date = Field(alias="date")


# ---------------------------------------------------------------------- users


class UserListItemPublic(BaseModel):
    """A registered user; an inactive one signs in no more and is given no account."""

    user_id: str
    name: str
    role: str
    active: bool


class UserListPublic(BaseModel):
    items: list[UserListItemPublic]


class MePublic(BaseModel):
    """The signed-in user."""

    user_id: str
    name: str
    role: str


class RouteDayPublic(BaseModel):
    """One business day of a rep's route; every item names its account_id."""

    on: Day = Field(alias="date")
    items: list[Document]


class RouteWeekPublic(BaseModel):
    """A rep's route over business days (週のルート), and the days off skipped, with why."""

    rep_id: str
    on: Day = Field(alias="date")
    days: list[RouteDayPublic]
    closed_days: list[Document]
