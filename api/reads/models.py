"""What the reads answer, typed: XPublic out, as /v1 serves it.

Each is its route's ``response_model``: /openapi.json names it, and a generated client has
its fields as attributes. The routes answer the dumped model (``public``) themselves, by
orjson and with their ETag, so FastAPI documents the model but does not filter the answer
through it. Parts whose shape the views own and grow (promises, complaints, dossier
sections, history items) stay documents here."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from domain.values import Role
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
    name: Annotated[str, Field(examples=["株式会社山田製作所"])]
    owner_rep_id: Annotated[str, Field(examples=["sato"])]
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
    comparison: Annotated[ComparisonPublic | None, Field(
        description="A successor's score is shown only beside this like-for-like comparison "
                    "(null for a first owner, or while no score is shown)")] = None


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

    items: Annotated[list[Document], Field(examples=[[{
        "event_id": "0b6f3c1e-3d2a-4f8e-9c55-0f1d2e3a4b5c", "version": 2,
        "kind": "visit_recorded", "occurred_at": "2026-11-19T14:00:00+09:00",
        "recorded_at": "2026-11-19T15:02:11+09:00", "recorded_by": "sato",
        "data": {"purpose": "定期訪問", "summary": "新ラインの立ち上げで忙しそう。"}}]])]
    next_cursor: str | None
    incomplete: Incomplete = None


class RoutePublic(BaseModel):
    """A rep's day (今日のルート)."""

    rep_id: Annotated[str, Field(examples=["sato"])]
    visits_due: Annotated[list[Document], Field(examples=[[{
        "account_id": "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "name": "株式会社山田製作所",
        "next_visit_due": "2026-12-03"}]])]
    promises_due: list[Document]
    complaints_open: list[Document]
    handovers: list[Document]
    on: date = Field(alias="date")


# ---------------------------------------------------------------------- users


class UserListItemPublic(BaseModel):
    """A registered user; an inactive one signs in no more and is given no account."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"user_id": "suzuki", "name": "鈴木 花子", "role": "rep", "active": True}]})
    user_id: str
    name: str
    role: Role
    active: bool


class UserListPublic(BaseModel):
    items: list[UserListItemPublic]


class MePublic(BaseModel):
    """The signed-in user."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"user_id": "sato", "name": "佐藤 健", "role": "rep"}]})
    user_id: str
    name: str
    role: Role


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


# ---------------------------------------------------------------------- team board


class RepFiguresPublic(BaseModel):
    """One rep's figures on the board; each one they are judged on beside what they
    inherited (begun before they owned the account)."""

    rep_id: Annotated[str, Field(examples=["sato"])]
    name: Annotated[str | None, Field(description="As registered; null for an owner id that "
                                                  "names nobody", examples=["佐藤 健"])]
    active: bool
    accounts: int
    accounts_inherited: int
    visits_overdue: int
    promises_overdue: int
    promises_overdue_inherited: int
    complaints_open: int
    complaints_open_inherited: int
    complaints_by_age: Annotated[dict[str, int], Field(
        description="Open complaints by days since received: 0-7, 8-30, 31+",
        examples=[{"0-7": 1, "8-30": 0, "31+": 0}])]
    requests_unanswered: int
    requests_unanswered_inherited: int
    cooling: int


class NeedingHandoverPublic(BaseModel):
    """An account owned by someone who left, or who is no rep."""

    account_id: str
    name: str
    owner_rep_id: str
    owner_name: str | None
    handover_in_flight: bool


class CoolingPublic(BaseModel):
    account_id: str
    name: str
    owner_rep_id: str
    health_score: int | None
    comparison: Annotated[ComparisonPublic | None, Field(
        description="Beside a successor's score: the predecessor over the same days")] = None
    warnings: list[WarningPublic]


class OverduePromisePublic(BaseModel):
    account_id: str
    name: str | None
    promise_id: str | None
    owner_rep_id: str
    made_by: str | None
    description: Annotated[str | None, Field(examples=["見積書を再提出する"])]
    due_date: Day
    overdue_days: int
    inherited: bool


class HandoverInFlightPublic(BaseModel):
    """A handover not completed or cancelled, with the steps taken so far."""

    account_id: str
    name: str
    handover_id: str
    from_rep_id: str
    to_rep_id: str
    reason: str
    initiated_at: Instant
    effective_at: Instant
    acknowledged_at: Instant | None
    joint_visit_at: Instant | None
    customer_informed_at: Instant | None
    checkpoint_on: Day | None
    event_id: str
    acknowledged: bool
    completed: bool


class RenewalDuePublic(BaseModel):
    account_id: str
    name: str
    owner_rep_id: str
    contract_end: Day
    days_left: int
    annual_value_jpy: int | None


class TeamBoardPublic(BaseModel):
    """The team board (チームボード) for one day. The long lists hold the most urgent, at
    most ``limit`` each; ``totals`` says how many there are."""

    on: Day = Field(alias="date")
    reps: list[RepFiguresPublic]
    needing_handover: list[NeedingHandoverPublic]
    cooling: list[CoolingPublic]
    promises_overdue: list[OverduePromisePublic]
    handovers: list[HandoverInFlightPublic]
    checkpoints: list[Document]
    renewals: list[RenewalDuePublic]
    concessions: list[Document]
    totals: Annotated[dict[str, int], Field(examples=[
        {"promises_overdue": 3, "cooling": 1, "renewals": 2, "concessions": 0}])]


# ---------------------------------------------------------------------- dossier, frozen


class AcknowledgedDossierPublic(BaseModel):
    """The dossier exactly as the successor acknowledged it, frozen at that moment (its
    sections as they stood then: a document)."""

    handover_id: str
    dossier_version: int
    acknowledged_by: Annotated[str, Field(examples=["suzuki"])]
    acknowledged_at: Instant
    event_id: str
    dossier: Document


# ---------------------------------------------------------------------- audit, calendar


class VerifyPublic(BaseModel):
    """The hash chains recomputed: ok, how many events, and the first altered one if any."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "ok": True, "events_checked": 42, "first_bad_event_id": None, "first_bad": None,
        "problems": [], "problem_count": 0, "digest": None, "digest_matches": None,
        "notes": []}]})
    ok: bool
    events_checked: int
    first_bad_event_id: str | None
    first_bad: Document | None
    problems: list[Document]
    problem_count: int
    digest: str | None
    digest_matches: bool | None
    notes: list[str]


class DigestPublic(BaseModel):
    """The head of the store-wide chain: <hex>@<notification id>, null for an empty store."""

    digest: str | None
    notification_id: int | None


class CalendarUrlPublic(BaseModel):
    """The secret URL of a calendar feed (a new one each call; the previous one stops)."""

    url: Annotated[str, Field(examples=["https://tsunagi.example/v1/calendars/Xq3…9k.ics"])]


# ---------------------------------------------------------------------- health


class ViewStatusPublic(BaseModel):
    view: str
    position: int
    head: int
    behind: int
    lag_seconds: float
    quarantined: int
    stopped: Annotated[str | None, Field(description="Why this process's follower stopped; "
                                                     "absent while it follows")] = None


class ServiceHealthPublic(BaseModel):
    """The store answers and every view keeps up."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "status": "ok", "quarantined": 0, "views": {"relationship": {
            "view": "relationship", "position": 120, "head": 120, "behind": 0,
            "lag_seconds": 0.0, "quarantined": 0}}}]})
    status: str
    views: dict[str, ViewStatusPublic]
    quarantined: int
