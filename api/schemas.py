"""Request and response bodies: XCreate in, XPublic out, with Japanese examples."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from domain.account import MAX_PHONE
from domain.values import (
    LONG_TEXT,
    MAX_ANNUAL_VALUE_JPY,
    MAX_CADENCE_DAYS,
    MAX_USER_ID,
    SHORT_TEXT,
    USER_ID,
    Channel,
    NoteKind,
    NoteTopic,
    PromiseOutcome,
    ProposalKind,
    Reaction,
    RequestKind,
    Role,
    Severity,
    Stance,
)
from domain.values import RequestAnswer as Answer

Long = Field(default="", max_length=LONG_TEXT)
NOT_BLANK = r"\S"  # required text has at least one character that is not a space


def required(max_length: int = SHORT_TEXT) -> Any:
    return Field(max_length=max_length, pattern=NOT_BLANK)


class Body(BaseModel):
    """Strict: JSON types as they are (no "yes" for true, no 0 for a date), no extra fields."""

    model_config = ConfigDict(extra="forbid", strict=True)


def example(**values: Any) -> ConfigDict:
    return ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [values]})


# ---------------------------------------------------------------------- users


class UserCreate(Body):
    model_config = example(user_id="sato", name="佐藤 健", role="rep")
    user_id: str = Field(max_length=MAX_USER_ID, pattern=f"^{USER_ID.pattern}$")
    name: str = required()
    role: Role


class UserPublic(BaseModel):
    """A registered user and their bearer token."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "user_id": "sato", "name": "佐藤 健", "role": "rep", "token": "sato.q3Jx9…"}]})
    user_id: str
    name: str
    role: Role
    token: str | None = Field(description="Shown once. A replayed request returns null.")


# ---------------------------------------------------------------------- accounts


class AccountCreate(Body):
    model_config = example(name="株式会社山田製作所", owner_rep_id="sato", visit_cadence_days=14,
                           started_on="2019-04-01")
    name: str = required()
    owner_rep_id: str = required()
    visit_cadence_days: int = Field(ge=1, le=MAX_CADENCE_DAYS)
    started_on: date | None = Field(
        default=None, description="The day the relationship began (JST), if before today; "
        "health counts from the start of that day. Absent: now.")


ACCOUNT_ID = "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"
EVENT_ID = "0b6f3c1e-3d2a-4f8e-9c55-0f1d2e3a4b5c"
ITEM_ID = "5d2e8a41-7c3b-4e9f-a1d6-2b8c4f0e9a73"


def recorded(**item: str) -> ConfigDict:
    """A write's answer, with an example on the account opened for 株式会社山田製作所."""
    return ConfigDict(json_schema_extra={"examples": [
        {"account_id": ACCOUNT_ID, "version": 7, "event_id": EVENT_ID, **item}]})


class RecordedPublic(BaseModel):
    """What a write recorded: the account's new version (also the ETag) and the event."""

    model_config = recorded()
    account_id: UUID
    version: int
    event_id: UUID


DETAIL_FIELDS = ("name", "address", "phone", "area")


class AccountDetailsChange(Body):
    """What changed of the account's details; at least one of them. A field left out stays
    as it was; an empty address, phone or area clears it (the name is never empty)."""

    model_config = example(name="株式会社ヤマダ製作所", address="東京都大田区西蒲田1-2-3",
                           phone="03-1234-5678", area="城南エリア")
    name: str = Field(default="", max_length=SHORT_TEXT, pattern=NOT_BLANK,
                      description="The company's name now (社名変更)")
    address: str = Field(default="", max_length=SHORT_TEXT, description="所在地")
    phone: str = Field(default="", max_length=MAX_PHONE, description="代表電話")
    area: str = Field(default="", max_length=SHORT_TEXT, description="担当エリア")

    @model_validator(mode="after")
    def something_given(self) -> AccountDetailsChange:
        if not self.model_fields_set:
            raise ValueError("give at least one of: name, address, phone, area")
        return self

    def given(self) -> dict[str, str]:
        """The fields sent, as sent."""
        return {name: getattr(self, name) for name in DETAIL_FIELDS
                if name in self.model_fields_set}


class DetailsChangedPublic(BaseModel):
    """What a change of details recorded (``event_id`` null when nothing changed)."""

    model_config = recorded()
    account_id: UUID
    version: int
    event_id: UUID | None = Field(description=(
        "The event recorded; null when every value sent was already the account's: "
        "nothing was appended"))


class VisitRecordedPublic(RecordedPublic):
    model_config = recorded(visit_id=ITEM_ID)
    visit_id: str


class PromiseRecordedPublic(RecordedPublic):
    model_config = recorded(promise_id=ITEM_ID)
    promise_id: str


class ComplaintRecordedPublic(RecordedPublic):
    model_config = recorded(complaint_id=ITEM_ID)
    complaint_id: str


class RequestRecordedPublic(RecordedPublic):
    model_config = recorded(request_id=ITEM_ID)
    request_id: str


class ProposalRecordedPublic(RecordedPublic):
    model_config = recorded(proposal_id=ITEM_ID)
    proposal_id: str


class StakeholderRecordedPublic(RecordedPublic):
    model_config = recorded(stakeholder_id=ITEM_ID)
    stakeholder_id: str


class NoteRecordedPublic(RecordedPublic):
    model_config = recorded(note_id=ITEM_ID)
    note_id: str


class HandoverRecordedPublic(RecordedPublic):
    model_config = recorded(handover_id=ITEM_ID)
    handover_id: str


class CadenceChange(Body):
    model_config = example(visit_cadence_days=21)
    visit_cadence_days: int = Field(ge=1, le=MAX_CADENCE_DAYS)


class VisitCreate(Body):
    model_config = example(occurred_at="2026-11-19T14:00:00+09:00", purpose="定期訪問",
                           summary="新ラインの立ち上げで忙しそう。雑談はゴルフの話。",
                           attendees=["山田 一郎 部長"], small_talk=True,
                           next_action="来週までに部品カタログを送る")
    occurred_at: AwareDatetime
    purpose: str = required()
    summary: str = Long
    attendees: list[str] = Field(default_factory=list, max_length=50)
    small_talk: bool = False
    planned_at: AwareDatetime | None = None
    minutes_late: int | None = Field(default=None, ge=0, le=24 * 60)
    next_action: str = Long
    channel: Channel = Channel.IN_PERSON


class PromiseCreate(Body):
    model_config = example(description="見積書を金曜までに送る", due_date="2026-11-27",
                           made_to="山田部長")
    description: str = required(LONG_TEXT)
    due_date: date
    made_to: str = required()
    occurred_at: AwareDatetime | None = None


class PromiseClose(Body):
    model_config = example(outcome="kept", note="メールで送付済み")
    outcome: PromiseOutcome
    note: str = Long
    occurred_at: AwareDatetime | None = None


class PromiseRenegotiate(Body):
    model_config = example(new_due_date="2026-12-04", note="先方の都合で翌週に")
    new_due_date: date
    note: str = Long


class ComplaintCreate(Body):
    model_config = example(received_at="2026-11-18T15:00:00+09:00", subject="納品遅延",
                           detail="11月分の部品が2日遅れた", severity="high")
    received_at: AwareDatetime
    subject: str = required()
    detail: str = Long
    severity: Severity = Severity.MEDIUM


class ComplaintStep(Body):
    model_config = example(occurred_at="2026-11-18T16:00:00+09:00", note="電話で受付")
    occurred_at: AwareDatetime | None = None
    note: str = Long


class RemedyCreate(Body):
    model_config = example(remedy="在庫を2週間分確保する")
    remedy: str = required(LONG_TEXT)
    occurred_at: AwareDatetime | None = None


class ComplaintResolve(Body):
    model_config = example(resolved_at="2026-11-20T11:00:00+09:00",
                           resolution="再発防止策で合意", concession="次回納品分を3%値引き")
    resolved_at: AwareDatetime
    resolution: str = required(LONG_TEXT)
    concession: str = Long


class RenewalCreate(Body):
    model_config = example(renewed_at="2026-03-25T10:00:00+09:00", contract_end="2027-03-31",
                           terms="年間保守・月次点検", annual_value_jpy=5040000)
    renewed_at: AwareDatetime
    contract_end: date
    terms: str = Long
    annual_value_jpy: int = Field(ge=0, le=MAX_ANNUAL_VALUE_JPY)


class RequestCreate(Body):
    model_config = example(kind="discount", detail="来期の単価を5%下げてほしい")
    kind: RequestKind
    detail: str = required(LONG_TEXT)
    occurred_at: AwareDatetime | None = None


# The domain's answers, inline: the body below is called RequestAnswer too, and a component
# of that name can be only one of them.
ANSWER_SCHEMA = WithJsonSchema({"type": "string", "enum": [a.value for a in Answer],
                                "title": "Answer"})


class RequestAnswer(Body):
    model_config = example(answer="partly", concession="値下げ 3% を了承", note="課長決裁")
    answer: Annotated[Answer, ANSWER_SCHEMA]
    concession: str = Long
    note: str = Long
    occurred_at: AwareDatetime | None = None


class ProposalCreate(Body):
    model_config = example(title="省エネ型コンプレッサーへの更新",
                           detail="電気代が年12%下がる試算", kind="proposal")
    title: str = required()
    detail: str = Long
    kind: ProposalKind = ProposalKind.PROPOSAL
    occurred_at: AwareDatetime | None = None


class ReactionCreate(Body):
    model_config = example(reaction="positive", note="来期予算で検討")
    reaction: Reaction
    note: str = Long
    occurred_at: AwareDatetime | None = None


class StakeholderCreate(Body):
    model_config = example(name="山田 一郎", title="購買部長", decision_power=True,
                           stance="supportive", note="朝一の電話を好む")
    name: str = required()
    title: str = Field(default="", max_length=SHORT_TEXT)
    decision_power: bool = False
    stance: Stance = Stance.NEUTRAL
    note: str = Long


class StakeholderChange(Body):
    model_config = example(title="取締役", stance="neutral")
    title: str | None = Field(default=None, max_length=SHORT_TEXT)
    decision_power: bool | None = None
    stance: Stance | None = None
    note: str = Long


class StakeholderLeave(Body):
    model_config = example(reason="本社へ異動")
    reason: str = Long


class NoteCreate(Body):
    model_config = example(text="月末は検収で忙しいので訪問は避ける", kind="fact",
                           topic="caution")
    text: str = required(LONG_TEXT)
    kind: NoteKind = NoteKind.FACT
    topic: NoteTopic = NoteTopic.GENERAL


STEP_TIME: Any = Field(
    default=None, description="When this step happened (RFC 3339; past allowed, never the "
    "future, never before the handover began; completing, cancelling and the review held "
    "never before any step recorded so far). Absent: now.")


class HandoverCreate(Body):
    model_config = example(to_rep_id="suzuki", reason="佐藤さんの大阪支店への異動",
                           effective_at="2026-01-05T09:00:00+09:00")
    to_rep_id: str = required()
    reason: str = required(LONG_TEXT)
    effective_at: AwareDatetime
    occurred_at: AwareDatetime | None = Field(
        default=None, description="When the handover began (RFC 3339; past allowed, never "
        "the future, never before the current owner's tenure began nor before an earlier "
        "handover was cancelled). Absent: now.")


class HandoverStep(Body):
    model_config = example(occurred_at="2025-12-10T10:00:00+09:00",
                           note="同行訪問で山田部長に紹介")
    occurred_at: AwareDatetime
    note: str = Long


class CheckpointCreate(Body):
    model_config = example(checkpoint_on="2026-04-01", note="90日後の振り返り")
    checkpoint_on: date
    note: str = Long
    occurred_at: AwareDatetime | None = STEP_TIME


class CheckpointHeld(Body):
    model_config = example(occurred_at="2026-04-01T15:00:00+09:00",
                           note="田中課長と振り返り。山田部長との関係は良好")
    note: str = Long
    occurred_at: AwareDatetime | None = STEP_TIME


class HandoverMoment(Body):
    """When a handover step without other details happened (acknowledge, complete)."""

    model_config = example(occurred_at="2025-10-01T09:00:00+09:00")
    occurred_at: AwareDatetime | None = STEP_TIME


class HandoverCancel(Body):
    model_config = example(reason="異動が延期になった")
    reason: str = required(LONG_TEXT)
    occurred_at: AwareDatetime | None = STEP_TIME


class CorrectionCreate(Body):
    model_config = example(corrected_event_id="0b6f3c1e-3d2a-4f8e-9c55-0f1d2e3a4b5c",
                           corrections={"due_date": "2026-11-28"}, reason="期日の誤記")
    corrected_event_id: UUID
    corrections: dict[str, Any] = Field(min_length=1)
    reason: str = required(LONG_TEXT)


class ImportFile(RootModel[bytes]):
    """The file to import, as exported (tsunagi-csv: the Excel 日報 template; UTF-8, UTF-8
    with BOM or Shift_JIS/CP932, detected or named by charset=; up to 20 MiB). A format that
    needs mapping files takes the multipart/form-data body instead (ImportUpload)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        "取引先コード,取引先名,日時,種別,担当者,件名,元ID\n"
        "C001,株式会社山田製作所,2024/4/1 10:30,訪問,sato,定期訪問,NIPPO-0001\n"]})


class ImportRowError(BaseModel):
    column: str | None  # the source column, None for the row as a whole
    msg: str  # in Japanese


class ImportRejectedRow(BaseModel):
    row: int  # as a spreadsheet numbers it: the header is row 1
    errors: list[ImportRowError]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class ImportUpload(BaseModel):
    """The file and the mapping files it needs, as multipart/form-data parts (each part
    UTF-8, UTF-8 with BOM or Shift_JIS/CP932; the file's part may name its charset=)."""

    file: bytes = Field(description="The file to import, as exported")
    users: bytes | SkipJsonSchema[None] = Field(
        default=None, json_schema_extra=_no_default,
        description="Users mapping (CSV): cybozu-report 名前,user_id (optional); "
                    "salesforce-activity Id,user_id (Salesforce user Id → user id; required)")
    accounts: bytes | SkipJsonSchema[None] = Field(
        default=None, json_schema_extra=_no_default,
        description="Accounts mapping (CSV), salesforce-activity (required): "
                    "Id,取引先コード,取引先名 (Salesforce Account Id → the account's code, name)")


class ImportPublic(BaseModel):
    """What an import did (a dry run: what it would do; it appends nothing)."""

    format: str
    file_sha256: str
    encoding: str
    dry_run: bool
    rows: int
    accepted: int
    rejected: list[ImportRejectedRow]
    accounts_created: int
    events_appended: int
    duplicates: int
    would_create_accounts: int | None = None
    would_append: int | None = None
