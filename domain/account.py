"""The Account (取引先) aggregate: one event stream per business customer.

Commands check permission first, then values, then invariants, and only then trigger
an event; an event's ``apply`` only moves state, so replaying history never re-judges it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.corrections import CORRECTABLE, CorrectionTarget
from domain.errors import (
    ComplaintAlreadyResolved,
    HandoverInProgress,
    HandoverNotOpen,
    InvalidValue,
    ItemNotFound,
    NoCheckpointPending,
    NotCorrectable,
    NotPermitted,
    OccursInFuture,
    PromiseAlreadyClosed,
    RequestAlreadyAnswered,
    StakeholderAlreadyLeft,
)
from domain.values import (
    LONG_TEXT,
    MAX_ANNUAL_VALUE_JPY,
    MAX_CADENCE_DAYS,
    MAX_MINUTES_LATE,
    SHORT_TEXT,
    Actor,
    Channel,
    NoteKind,
    NoteTopic,
    PromiseOutcome,
    ProposalKind,
    Reaction,
    RequestAnswer,
    RequestKind,
    Role,
    Severity,
    Stance,
    a_boolean,
    a_date,
    a_user_id,
    an_item_id,
    aware,
    bounded_int,
    choice,
    happened,
    local_today,
    not_before,
    optional_text,
    required_text,
    start_of_day,
    text_list,
)

DETAILS = ("address", "phone", "area")  # an account's details beside its name
MAX_PHONE = 40


def new_item_id() -> str:
    return uuid4().hex


# State the invariants need. Everything else lives in the events and the projections.
# Item states are frozen: an event replaces an item's state instead of changing it, so a
# copy of the account only has to copy its maps (see Account.__deepcopy__).


@dataclass(frozen=True)
class PromiseState:
    due_date: date
    made_at_version: int
    status: str = "open"


@dataclass(frozen=True)
class ComplaintState:
    received_at: datetime
    resolved: bool = False


@dataclass(frozen=True)
class RequestState:
    received_at: datetime
    answered: bool = False


@dataclass(frozen=True)
class StakeholderState:
    name: str
    active: bool = True


@dataclass(frozen=True)
class HandoverState:
    """``initiated_at``: when the handover began; ``last_step_at``: when its latest step
    happened (both None in snapshots of releases before back-dating, whose steps are then
    not ordered); ``checkpoint_pending``: a checkpoint is scheduled and not yet held (None
    there too: unknown, so a review may be recorded)."""

    from_rep_id: str
    to_rep_id: str
    status: str = "open"
    acknowledged: bool = False
    last_step_at: datetime | None = None
    checkpoint_pending: bool | None = None
    initiated_at: datetime | None = None


STATE_CLASSES: tuple[type, ...] = (
    PromiseState, ComplaintState, RequestState, StakeholderState, HandoverState,
)


class Account(Aggregate):
    # 2: the state holds owner_since, and HandoverState last_step_at and checkpoint_pending
    # (see upcast_v1_v2 for snapshots of version 1).
    class_version = 2

    class Event(Aggregate.Event):
        """``source``: where an imported event came from (its format, row, id in the source
        system and the file's SHA-256, who imported it); None for an event recorded live."""

        # 2: every account event carries ``source`` (see upcast_v1_v2).
        class_version = 2

        event_id: UUID
        recorded_by: str
        occurred_at: datetime
        source: dict[str, Any] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Every event stored before imports existed was recorded live."""
            state["source"] = None

    # ------------------------------------------------------------------ opening

    class Opened(Event, Aggregate.Created):
        """``occurred_at`` is when the relationship began: the moment of opening, or the
        start (JST) of the day it was said to have started on (``started_on``)."""

        name: str
        owner_rep_id: str
        visit_cadence_days: int

        def apply(self, account: Account) -> None:
            account.owner_since = self.occurred_at

    def __init__(self, name: str, owner_rep_id: str, visit_cadence_days: int) -> None:
        self.name = name
        self.owner_rep_id = owner_rep_id
        self.visit_cadence_days = visit_cadence_days
        self.promises: dict[str, PromiseState] = {}
        self.complaints: dict[str, ComplaintState] = {}
        self.requests: dict[str, RequestState] = {}
        self.proposals: dict[str, str] = {}
        self.stakeholders: dict[str, StakeholderState] = {}
        self.handovers: dict[str, HandoverState] = {}
        self.open_handover_id: str | None = None
        # When the current owner's tenure began: the opening, or the last completed handover.
        self.owner_since: datetime | None = None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot of version 1 does not say when its owner's tenure began: unknown,
        so a handover's initiation on it is checked against its own steps only."""
        state.setdefault("owner_since", None)

    @classmethod
    def open(
        cls,
        actor: Actor,
        now: datetime,
        *,
        name: str,
        owner_rep_id: str,
        visit_cadence_days: int,
        started_on: date | None = None,
        account_id: UUID | None = None,
        source: dict[str, Any] | None = None,
    ) -> Account:
        """A new account. ``started_on``: the day the relationship began, if before today
        (it may be years ago); its health counts from the start of that day, JST.
        ``account_id`` and ``source``: for an import, the id its source key maps to and
        where it came from."""
        if actor.role not in (Role.MANAGER, Role.ADMIN):
            raise NotPermitted("only a manager opens an account")
        began = aware(now, "now")
        if started_on is not None:
            if a_date(started_on, "started_on") > local_today(now):
                raise OccursInFuture("started_on is in the future", field="started_on")
            began = start_of_day(started_on)
        return cls._create(
            cls.Opened,
            id=account_id,
            event_id=uuid4(),
            recorded_by=actor.user_id,
            occurred_at=began,
            source=source,
            name=required_text(name, "name"),
            owner_rep_id=a_user_id(owner_rep_id, "owner_rep_id"),
            visit_cadence_days=bounded_int(
                visit_cadence_days, "visit_cadence_days", 1, MAX_CADENCE_DAYS
            ),
        )

    # ------------------------------------------------------------------ who may record

    def may_record(self, actor: Actor) -> bool:
        return actor.is_manager or actor.user_id == self.owner_rep_id

    def _require_recorder(self, actor: Actor) -> None:
        if not self.may_record(actor):
            raise NotPermitted("only the owner or a manager records on this account")

    def _record(self, event_class: type[Account.Event], actor: Actor, occurred_at: datetime,
                **data: Any) -> UUID:
        event_id = uuid4()
        self.trigger_event(
            event_class,
            event_id=event_id,
            recorded_by=actor.user_id,
            occurred_at=occurred_at,
            source=self._source,
            **data,
        )
        return event_id

    _source: dict[str, Any] | None = None  # set only while commands run for an imported row

    # The account's own details beside its name (DetailsChanged): empty until first given.
    # Class defaults, not set in __init__, so an account, or a snapshot, from before details
    # existed reads as having none, and an account never given details keeps the state (and
    # the snapshots) it always had.
    address: str = ""
    phone: str = ""
    area: str = ""

    @contextmanager
    def sourced(self, source: dict[str, Any]) -> Iterator[Account]:
        """Commands run within carry ``source`` on their events: an imported row goes
        through the same commands and invariants as a live record, and says where it came
        from. Never part of the account's state (nor of its snapshots)."""
        self._source = source
        try:
            yield self
        finally:
            del self._source

    @property
    def last_event_id(self) -> UUID:
        return self.pending_events[-1].event_id  # type: ignore[attr-defined, no-any-return]

    # ------------------------------------------------------------------ details (取引先情報)

    class DetailsChanged(Event):
        """The customer's own details as they are now: a new company name (社名変更), a new
        address (移転), phone number or sales area. Only what changed is given; None: as it
        was. An empty address, phone or area clears it; the name is never empty."""

        name: str | None
        address: str | None
        phone: str | None
        area: str | None

        def apply(self, account: Account) -> None:
            if self.name is not None:
                account.name = self.name
            for detail in DETAILS:
                value = getattr(self, detail)
                if value is not None:
                    setattr(account, detail, value)

    def may_change_details(self, actor: Actor) -> bool:
        return actor.role in (Role.MANAGER, Role.ADMIN) or actor.user_id == self.owner_rep_id

    def change_details(
        self,
        actor: Actor,
        now: datetime,
        *,
        name: str | None = None,
        address: str | None = None,
        phone: str | None = None,
        area: str | None = None,
    ) -> None:
        """Record the details that differ from the account's; values it already has are
        not recorded again, and when none differs nothing is recorded."""
        if not self.may_change_details(actor):
            raise NotPermitted("only the owner, a manager or an admin changes the account's "
                               "details")
        given = {
            "name": None if name is None else required_text(name, "name"),
            "address": None if address is None else optional_text(address, "address",
                                                                  SHORT_TEXT),
            "phone": None if phone is None else optional_text(phone, "phone", MAX_PHONE),
            "area": None if area is None else optional_text(area, "area", SHORT_TEXT),
        }
        if all(value is None for value in given.values()):
            raise InvalidValue("say what changed: name, address, phone or area", field="name")
        changed = {field: value if value is not None and value != getattr(self, field)
                   else None for field, value in given.items()}
        if all(value is None for value in changed.values()):
            return
        self._record(self.DetailsChanged, actor, now, **changed)

    # ------------------------------------------------------------------ rhythm and visits

    class VisitCadenceAgreed(Event):
        visit_cadence_days: int

        def apply(self, account: Account) -> None:
            account.visit_cadence_days = self.visit_cadence_days

    def agree_visit_cadence(self, actor: Actor, now: datetime, *, visit_cadence_days: int) -> None:
        self._require_recorder(actor)
        self._record(
            self.VisitCadenceAgreed, actor, now,
            visit_cadence_days=bounded_int(
                visit_cadence_days, "visit_cadence_days", 1, MAX_CADENCE_DAYS
            ),
        )

    class VisitRecorded(Event):
        visit_id: str
        planned_at: datetime | None
        purpose: str
        summary: str
        attendees: list[str]
        small_talk: bool
        minutes_late: int
        next_action: str
        channel: str

    def record_visit(
        self,
        actor: Actor,
        now: datetime,
        *,
        occurred_at: datetime,
        purpose: str,
        summary: str,
        attendees: list[str] | tuple[str, ...] = (),
        small_talk: bool = False,
        planned_at: datetime | None = None,
        minutes_late: int | None = None,
        next_action: str = "",
        channel: str = Channel.IN_PERSON.value,
    ) -> str:
        self._require_recorder(actor)
        happened(occurred_at, "occurred_at", now)
        if planned_at is not None:
            aware(planned_at, "planned_at")
        if minutes_late is None:
            minutes_late = _minutes_between(planned_at, occurred_at)
        visit_id = new_item_id()
        self._record(
            self.VisitRecorded, actor, occurred_at,
            visit_id=visit_id,
            planned_at=planned_at,
            purpose=required_text(purpose, "purpose"),
            summary=optional_text(summary, "summary", LONG_TEXT),
            attendees=text_list(list(attendees), "attendees"),
            small_talk=a_boolean(small_talk, "small_talk"),
            minutes_late=bounded_int(minutes_late, "minutes_late", 0, MAX_MINUTES_LATE),
            next_action=optional_text(next_action, "next_action"),
            channel=choice(Channel, channel, "channel").value,
        )
        return visit_id

    # ------------------------------------------------------------------ promises

    class PromiseMade(Event):
        promise_id: str
        description: str
        due_date: date
        made_to: str

        def apply(self, account: Account) -> None:
            account.promises[self.promise_id] = PromiseState(
                due_date=self.due_date, made_at_version=self.originator_version
            )

    def make_promise(
        self,
        actor: Actor,
        now: datetime,
        *,
        description: str,
        due_date: date,
        made_to: str,
        occurred_at: datetime | None = None,
    ) -> str:
        self._require_recorder(actor)
        occurred_at = happened(occurred_at or now, "occurred_at", now)
        promise_id = new_item_id()
        self._record(
            self.PromiseMade, actor, occurred_at,
            promise_id=promise_id,
            description=required_text(description, "description", LONG_TEXT),
            due_date=a_date(due_date, "due_date"),
            made_to=required_text(made_to, "made_to"),
        )
        return promise_id

    class PromiseRenegotiated(Event):
        promise_id: str
        new_due_date: date
        note: str

        def apply(self, account: Account) -> None:
            _change(account.promises, self.promise_id, due_date=self.new_due_date)

    def renegotiate_promise(
        self, actor: Actor, now: datetime, *, promise_id: str, new_due_date: date, note: str = ""
    ) -> None:
        self._require_recorder(actor)
        self._open_promise(promise_id)
        self._record(
            self.PromiseRenegotiated, actor, now,
            promise_id=promise_id,
            new_due_date=a_date(new_due_date, "new_due_date"),
            note=optional_text(note, "note"),
        )

    class PromiseKept(Event):
        promise_id: str
        note: str

        def apply(self, account: Account) -> None:
            _change(account.promises, self.promise_id, status=PromiseOutcome.KEPT.value)

    class PromiseBroken(Event):
        promise_id: str
        note: str

        def apply(self, account: Account) -> None:
            _change(account.promises, self.promise_id, status=PromiseOutcome.BROKEN.value)

    class PromiseCancelled(Event):
        promise_id: str
        note: str

        def apply(self, account: Account) -> None:
            _change(account.promises, self.promise_id,
                    status=PromiseOutcome.CANCELLED.value)

    def close_promise(
        self,
        actor: Actor,
        now: datetime,
        *,
        promise_id: str,
        outcome: str,
        note: str = "",
        occurred_at: datetime | None = None,
    ) -> None:
        self._require_recorder(actor)
        closing = {
            PromiseOutcome.KEPT: self.PromiseKept,
            PromiseOutcome.BROKEN: self.PromiseBroken,
            PromiseOutcome.CANCELLED: self.PromiseCancelled,
        }[choice(PromiseOutcome, outcome, "outcome")]
        self._open_promise(promise_id)
        self._record(
            closing, actor, happened(occurred_at or now, "occurred_at", now),
            promise_id=promise_id,
            note=optional_text(note, "note"),
        )

    def _open_promise(self, promise_id: str) -> PromiseState:
        promise = self.promises.get(an_item_id(promise_id, "promise_id"))
        if promise is None:
            raise ItemNotFound(f"no promise {promise_id} on this account", field="promise_id")
        if promise.status != "open":
            raise PromiseAlreadyClosed(f"promise {promise_id} is already {promise.status}")
        return promise

    # ------------------------------------------------------------------ complaints

    class ComplaintReceived(Event):
        complaint_id: str
        subject: str
        detail: str
        severity: str

        def apply(self, account: Account) -> None:
            account.complaints[self.complaint_id] = ComplaintState(received_at=self.occurred_at)

    def receive_complaint(
        self,
        actor: Actor,
        now: datetime,
        *,
        received_at: datetime,
        subject: str,
        detail: str = "",
        severity: str = Severity.MEDIUM.value,
    ) -> str:
        self._require_recorder(actor)
        complaint_id = new_item_id()
        self._record(
            self.ComplaintReceived, actor, happened(received_at, "received_at", now),
            complaint_id=complaint_id,
            subject=required_text(subject, "subject"),
            detail=optional_text(detail, "detail"),
            severity=choice(Severity, severity, "severity").value,
        )
        return complaint_id

    class ComplaintAcknowledged(Event):
        complaint_id: str
        note: str

    def acknowledge_complaint(
        self, actor: Actor, now: datetime, *, complaint_id: str,
        occurred_at: datetime | None = None, note: str = "",
    ) -> None:
        self._complaint_step(self.ComplaintAcknowledged, actor, now, complaint_id, occurred_at,
                             note=optional_text(note, "note"))

    class ComplaintApologised(Event):
        complaint_id: str
        note: str

    def apologise_for_complaint(
        self, actor: Actor, now: datetime, *, complaint_id: str,
        occurred_at: datetime | None = None, note: str = "",
    ) -> None:
        self._complaint_step(self.ComplaintApologised, actor, now, complaint_id, occurred_at,
                             note=optional_text(note, "note"))

    class ComplaintRemedyProposed(Event):
        complaint_id: str
        remedy: str

    def propose_remedy(
        self, actor: Actor, now: datetime, *, complaint_id: str, remedy: str,
        occurred_at: datetime | None = None,
    ) -> None:
        self._complaint_step(self.ComplaintRemedyProposed, actor, now, complaint_id, occurred_at,
                             remedy=required_text(remedy, "remedy", LONG_TEXT))

    class ComplaintResolved(Event):
        complaint_id: str
        resolution: str
        concession: str

        def apply(self, account: Account) -> None:
            _change(account.complaints, self.complaint_id, resolved=True)

    def resolve_complaint(
        self,
        actor: Actor,
        now: datetime,
        *,
        complaint_id: str,
        resolved_at: datetime,
        resolution: str,
        concession: str = "",
    ) -> None:
        self._complaint_step(
            self.ComplaintResolved, actor, now, complaint_id, resolved_at,
            time_field="resolved_at",
            resolution=required_text(resolution, "resolution", LONG_TEXT),
            concession=optional_text(concession, "concession"),
        )

    def _complaint_step(
        self,
        event_class: type[Account.Event],
        actor: Actor,
        now: datetime,
        complaint_id: str,
        occurred_at: datetime | None,
        time_field: str = "occurred_at",
        **data: Any,
    ) -> None:
        self._require_recorder(actor)
        complaint = self.complaints.get(an_item_id(complaint_id, "complaint_id"))
        if complaint is None:
            raise ItemNotFound(f"no complaint {complaint_id} on this account", field="complaint_id")
        if complaint.resolved:
            raise ComplaintAlreadyResolved(f"complaint {complaint_id} is already resolved")
        when = happened(occurred_at or now, time_field, now)
        not_before(when, complaint.received_at, time_field, "the complaint was received")
        self._record(event_class, actor, when, complaint_id=complaint_id, **data)

    # ------------------------------------------------------------------ customer requests

    class CustomerRequestReceived(Event):
        request_id: str
        kind: str
        detail: str

        def apply(self, account: Account) -> None:
            account.requests[self.request_id] = RequestState(received_at=self.occurred_at)

    def receive_request(
        self,
        actor: Actor,
        now: datetime,
        *,
        kind: str,
        detail: str,
        occurred_at: datetime | None = None,
    ) -> str:
        self._require_recorder(actor)
        request_id = new_item_id()
        self._record(
            self.CustomerRequestReceived, actor, happened(occurred_at or now, "occurred_at", now),
            request_id=request_id,
            kind=choice(RequestKind, kind, "kind").value,
            detail=required_text(detail, "detail", LONG_TEXT),
        )
        return request_id

    class CustomerRequestAnswered(Event):
        request_id: str
        answer: str
        concession: str
        note: str

        def apply(self, account: Account) -> None:
            _change(account.requests, self.request_id, answered=True)

    def answer_request(
        self,
        actor: Actor,
        now: datetime,
        *,
        request_id: str,
        answer: str,
        concession: str = "",
        note: str = "",
        occurred_at: datetime | None = None,
    ) -> None:
        self._require_recorder(actor)
        request = self.requests.get(an_item_id(request_id, "request_id"))
        if request is None:
            raise ItemNotFound(f"no request {request_id} on this account", field="request_id")
        if request.answered:
            raise RequestAlreadyAnswered(f"request {request_id} is already answered")
        when = happened(occurred_at or now, "occurred_at", now)
        not_before(when, request.received_at, "occurred_at", "the request was received")
        answer_value = choice(RequestAnswer, answer, "answer")
        if answer_value is not RequestAnswer.DECLINED and not concession.strip():
            raise InvalidValue("say what was conceded when accepting a request", field="concession")
        self._record(
            self.CustomerRequestAnswered, actor, when,
            request_id=request_id,
            answer=answer_value.value,
            concession=optional_text(concession, "concession"),
            note=optional_text(note, "note"),
        )

    # ------------------------------------------------------------------ proposals

    class ProposalGiven(Event):
        proposal_id: str
        kind: str
        title: str
        detail: str

        def apply(self, account: Account) -> None:
            account.proposals[self.proposal_id] = self.kind

    def give_proposal(
        self,
        actor: Actor,
        now: datetime,
        *,
        title: str,
        detail: str = "",
        kind: str = ProposalKind.PROPOSAL.value,
        occurred_at: datetime | None = None,
    ) -> str:
        self._require_recorder(actor)
        proposal_id = new_item_id()
        self._record(
            self.ProposalGiven, actor, happened(occurred_at or now, "occurred_at", now),
            proposal_id=proposal_id,
            kind=choice(ProposalKind, kind, "kind").value,
            title=required_text(title, "title"),
            detail=optional_text(detail, "detail"),
        )
        return proposal_id

    class ProposalReactionRecorded(Event):
        proposal_id: str
        reaction: str
        note: str

    def record_reaction(
        self,
        actor: Actor,
        now: datetime,
        *,
        proposal_id: str,
        reaction: str,
        note: str = "",
        occurred_at: datetime | None = None,
    ) -> None:
        self._require_recorder(actor)
        if an_item_id(proposal_id, "proposal_id") not in self.proposals:
            raise ItemNotFound(f"no proposal {proposal_id} on this account", field="proposal_id")
        self._record(
            self.ProposalReactionRecorded, actor, happened(occurred_at or now, "occurred_at", now),
            proposal_id=proposal_id,
            reaction=choice(Reaction, reaction, "reaction").value,
            note=optional_text(note, "note"),
        )

    # ------------------------------------------------------------------ contract

    class ContractRenewed(Event):
        contract_end: date
        terms: str
        annual_value_jpy: int

    def renew_contract(
        self,
        actor: Actor,
        now: datetime,
        *,
        renewed_at: datetime,
        contract_end: date,
        terms: str,
        annual_value_jpy: int,
    ) -> None:
        self._require_recorder(actor)
        happened(renewed_at, "renewed_at", now)
        a_date(contract_end, "contract_end")
        if contract_end < renewed_at.date():
            raise InvalidValue("contract_end is before the renewal", field="contract_end")
        self._record(
            self.ContractRenewed, actor, renewed_at,
            contract_end=contract_end,
            terms=optional_text(terms, "terms"),
            annual_value_jpy=bounded_int(
                annual_value_jpy, "annual_value_jpy", 0, MAX_ANNUAL_VALUE_JPY
            ),
        )

    # ------------------------------------------------------------------ stakeholders

    class StakeholderAdded(Event):
        stakeholder_id: str
        name: str
        title: str
        decision_power: bool
        stance: str
        note: str

        def apply(self, account: Account) -> None:
            account.stakeholders[self.stakeholder_id] = StakeholderState(name=self.name)

    def add_stakeholder(
        self,
        actor: Actor,
        now: datetime,
        *,
        name: str,
        title: str = "",
        decision_power: bool = False,
        stance: str = Stance.NEUTRAL.value,
        note: str = "",
    ) -> str:
        self._require_recorder(actor)
        stakeholder_id = new_item_id()
        self._record(
            self.StakeholderAdded, actor, now,
            stakeholder_id=stakeholder_id,
            name=required_text(name, "name"),
            title=optional_text(title, "title", 200),
            decision_power=a_boolean(decision_power, "decision_power"),
            stance=choice(Stance, stance, "stance").value,
            note=optional_text(note, "note"),
        )
        return stakeholder_id

    class StakeholderChanged(Event):
        stakeholder_id: str
        title: str | None
        decision_power: bool | None
        stance: str | None
        note: str

    def change_stakeholder(
        self,
        actor: Actor,
        now: datetime,
        *,
        stakeholder_id: str,
        title: str | None = None,
        decision_power: bool | None = None,
        stance: str | None = None,
        note: str = "",
    ) -> None:
        self._require_recorder(actor)
        self._active_stakeholder(stakeholder_id)
        if title is None and decision_power is None and stance is None and not note.strip():
            raise InvalidValue("say what changed", field="title")
        self._record(
            self.StakeholderChanged, actor, now,
            stakeholder_id=stakeholder_id,
            title=None if title is None else optional_text(title, "title", 200),
            decision_power=None if decision_power is None
            else a_boolean(decision_power, "decision_power"),
            stance=None if stance is None else choice(Stance, stance, "stance").value,
            note=optional_text(note, "note"),
        )

    class StakeholderLeft(Event):
        stakeholder_id: str
        reason: str

        def apply(self, account: Account) -> None:
            _change(account.stakeholders, self.stakeholder_id, active=False)

    def stakeholder_left(
        self, actor: Actor, now: datetime, *, stakeholder_id: str, reason: str = ""
    ) -> None:
        self._require_recorder(actor)
        self._active_stakeholder(stakeholder_id)
        self._record(
            self.StakeholderLeft, actor, now,
            stakeholder_id=stakeholder_id,
            reason=optional_text(reason, "reason"),
        )

    def _active_stakeholder(self, stakeholder_id: str) -> StakeholderState:
        stakeholder = self.stakeholders.get(an_item_id(stakeholder_id, "stakeholder_id"))
        if stakeholder is None:
            raise ItemNotFound(
                f"no stakeholder {stakeholder_id} on this account", field="stakeholder_id"
            )
        if not stakeholder.active:
            raise StakeholderAlreadyLeft(f"{stakeholder.name} has already left")
        return stakeholder

    # ------------------------------------------------------------------ notes

    class NoteAdded(Event):
        note_id: str
        text: str
        kind: str
        topic: str

    def add_note(
        self,
        actor: Actor,
        now: datetime,
        *,
        text: str,
        kind: str = NoteKind.FACT.value,
        topic: str = NoteTopic.GENERAL.value,
        occurred_at: datetime | None = None,
    ) -> str:
        self._require_recorder(actor)
        note_id = new_item_id()
        self._record(
            self.NoteAdded, actor, happened(occurred_at or now, "occurred_at", now),
            note_id=note_id,
            text=required_text(text, "text", LONG_TEXT),
            kind=choice(NoteKind, kind, "kind").value,
            topic=choice(NoteTopic, topic, "topic").value,
        )
        return note_id

    # ------------------------------------------------------------------ handover (引き継ぎ)
    #
    # Every step may be dated in the past (an older handover recorded late, or imported),
    # never in the future, and never before the step recorded before it: its ``occurred_at``
    # is when it happened; absent, now. A handover begins no earlier than the current
    # owner's tenure (the account's start, or the completion that made them owner) and no
    # earlier than the end of a handover cancelled before it, so handovers never overlap.

    class HandoverInitiated(Event):
        handover_id: str
        from_rep_id: str
        to_rep_id: str
        reason: str
        effective_at: datetime

        def apply(self, account: Account) -> None:
            account.handovers[self.handover_id] = HandoverState(
                from_rep_id=self.from_rep_id, to_rep_id=self.to_rep_id,
                last_step_at=self.occurred_at, checkpoint_pending=False,
                initiated_at=self.occurred_at,
            )
            account.open_handover_id = self.handover_id

    def initiate_handover(
        self,
        actor: Actor,
        now: datetime,
        *,
        to_rep_id: str,
        reason: str,
        effective_at: datetime,
        occurred_at: datetime | None = None,
    ) -> str:
        if not actor.is_manager:
            raise NotPermitted("only a manager starts a handover")
        a_user_id(to_rep_id, "to_rep_id")
        if self.open_handover_id is not None:
            successor = self.handovers[self.open_handover_id].to_rep_id
            raise HandoverInProgress(
                f"this account is already being handed over to {successor}", field="to_rep_id"
            )
        if to_rep_id == self.owner_rep_id:
            raise InvalidValue("the successor is already the owner", field="to_rep_id")
        when = happened(occurred_at or now, "occurred_at", now)
        if self.owner_since is not None:
            not_before(when, self.owner_since, "occurred_at",
                       f"{self.owner_rep_id}'s tenure began ({self.owner_since.isoformat()})")
        cancelled = [h.last_step_at for h in self.handovers.values()
                     if h.status == "cancelled" and h.last_step_at is not None]
        if cancelled:
            not_before(when, max(cancelled), "occurred_at",
                       f"the last handover was cancelled ({max(cancelled).isoformat()})")
        handover_id = new_item_id()
        self._record(
            self.HandoverInitiated, actor, when,
            handover_id=handover_id,
            from_rep_id=self.owner_rep_id,
            to_rep_id=to_rep_id,
            reason=required_text(reason, "reason", LONG_TEXT),
            effective_at=aware(effective_at, "effective_at"),
        )
        return handover_id

    class HandoverDossierAcknowledged(Event):
        """The successor read the dossier as it stood at ``dossier_version``; it is frozen there."""

        handover_id: str
        dossier_version: int

        def apply(self, account: Account) -> None:
            _change(account.handovers, self.handover_id, acknowledged=True,
                    last_step_at=_latest(account.handovers[self.handover_id], self.occurred_at))

    def acknowledge_dossier(self, actor: Actor, now: datetime, *, handover_id: str,
                            occurred_at: datetime | None = None) -> None:
        handover = self._open_handover(handover_id)
        if actor.user_id != handover.to_rep_id:
            raise NotPermitted("only the successor acknowledges the dossier")
        self._record(
            self.HandoverDossierAcknowledged, actor,
            self._next_step_time(handover, occurred_at, now),
            handover_id=handover_id,
            dossier_version=self.version,
        )

    class HandoverJointVisitMade(Event):
        handover_id: str
        note: str

        def apply(self, account: Account) -> None:
            _change(account.handovers, self.handover_id,
                    last_step_at=_latest(account.handovers[self.handover_id], self.occurred_at))

    def record_joint_visit(
        self, actor: Actor, now: datetime, *, handover_id: str, occurred_at: datetime,
        note: str = "",
    ) -> None:
        self._handover_step(self.HandoverJointVisitMade, actor, now, handover_id, occurred_at,
                            note=optional_text(note, "note"))

    class HandoverCustomerInformed(Event):
        handover_id: str
        note: str

        def apply(self, account: Account) -> None:
            _change(account.handovers, self.handover_id,
                    last_step_at=_latest(account.handovers[self.handover_id], self.occurred_at))

    def record_customer_informed(
        self, actor: Actor, now: datetime, *, handover_id: str, occurred_at: datetime,
        note: str = "",
    ) -> None:
        self._handover_step(self.HandoverCustomerInformed, actor, now, handover_id, occurred_at,
                            note=optional_text(note, "note"))

    class HandoverCheckpointScheduled(Event):
        handover_id: str
        checkpoint_on: date
        note: str

        def apply(self, account: Account) -> None:
            _change(account.handovers, self.handover_id,
                    last_step_at=_latest(account.handovers[self.handover_id], self.occurred_at),
                    checkpoint_pending=True)

    def schedule_checkpoint(
        self, actor: Actor, now: datetime, *, handover_id: str, checkpoint_on: date,
        note: str = "", occurred_at: datetime | None = None,
    ) -> None:
        self._handover_step(self.HandoverCheckpointScheduled, actor, now, handover_id,
                            occurred_at,
                            checkpoint_on=a_date(checkpoint_on, "checkpoint_on"),
                            note=optional_text(note, "note"))

    class HandoverCheckpointHeld(Event):
        """The review of a handover was held: its scheduled checkpoints stop warning. Often
        after the handover completed, since checkpoints fall after it."""

        handover_id: str
        note: str

        def apply(self, account: Account) -> None:
            _change(account.handovers, self.handover_id,
                    last_step_at=_latest(account.handovers[self.handover_id], self.occurred_at),
                    checkpoint_pending=False)

    def record_checkpoint_held(
        self, actor: Actor, now: datetime, *, handover_id: str, note: str = "",
        occurred_at: datetime | None = None,
    ) -> None:
        handover = self.handovers.get(an_item_id(handover_id, "handover_id"))
        if handover is None:
            raise ItemNotFound(f"no handover {handover_id} on this account", field="handover_id")
        self._require_handover_party(actor, handover)
        if handover.status == "cancelled":
            raise HandoverNotOpen(f"handover {handover_id} was cancelled")
        if handover.checkpoint_pending is False:
            raise NoCheckpointPending(
                f"handover {handover_id} has no checkpoint scheduled and not yet held")
        self._record(self.HandoverCheckpointHeld, actor,
                     self._closing_step_time(handover, occurred_at, now),
                     handover_id=handover_id, note=optional_text(note, "note"))

    class HandoverCompleted(Event):
        handover_id: str
        from_rep_id: str
        to_rep_id: str

        def apply(self, account: Account) -> None:
            _change(account.handovers, self.handover_id, status="completed",
                    last_step_at=self.occurred_at)
            account.owner_rep_id = self.to_rep_id
            account.owner_since = self.occurred_at
            account.open_handover_id = None

    def complete_handover(self, actor: Actor, now: datetime, *, handover_id: str,
                          occurred_at: datetime | None = None) -> None:
        handover = self._open_handover(handover_id)
        if not (actor.is_manager or actor.user_id == handover.to_rep_id):
            raise NotPermitted("only a manager or the successor completes a handover")
        self._record(
            self.HandoverCompleted, actor, self._closing_step_time(handover, occurred_at, now),
            handover_id=handover_id,
            from_rep_id=handover.from_rep_id,
            to_rep_id=handover.to_rep_id,
        )

    class HandoverCancelled(Event):
        handover_id: str
        reason: str

        def apply(self, account: Account) -> None:
            _change(account.handovers, self.handover_id, status="cancelled",
                    last_step_at=self.occurred_at, checkpoint_pending=False)
            account.open_handover_id = None

    def cancel_handover(
        self, actor: Actor, now: datetime, *, handover_id: str, reason: str,
        occurred_at: datetime | None = None,
    ) -> None:
        if not actor.is_manager:
            raise NotPermitted("only a manager cancels a handover")
        handover = self._open_handover(handover_id)
        self._record(self.HandoverCancelled, actor,
                     self._closing_step_time(handover, occurred_at, now),
                     handover_id=handover_id, reason=required_text(reason, "reason", LONG_TEXT))

    def may_read(self, actor: Actor) -> bool:
        """Owner, the successor of an open handover, and everyone who reads all accounts."""
        if actor.role in (Role.MANAGER, Role.AUDITOR, Role.ADMIN):
            return True
        if actor.user_id == self.owner_rep_id:
            return True
        return self.open_handover_id is not None and (
            self.handovers[self.open_handover_id].to_rep_id == actor.user_id
        )

    def _handover_step(
        self,
        event_class: type[Account.Event],
        actor: Actor,
        now: datetime,
        handover_id: str,
        occurred_at: datetime | None,
        **data: Any,
    ) -> None:
        handover = self._open_handover(handover_id)
        self._require_handover_party(actor, handover)
        self._record(event_class, actor, self._next_step_time(handover, occurred_at, now),
                     handover_id=handover_id, **data)

    @staticmethod
    def _require_handover_party(actor: Actor, handover: HandoverState) -> None:
        if actor.user_id not in (handover.from_rep_id, handover.to_rep_id) and not actor.is_manager:
            raise NotPermitted("only the two reps or a manager record handover steps")

    @staticmethod
    def _next_step_time(handover: HandoverState, occurred_at: datetime | None,
                        now: datetime) -> datetime:
        """When a step between the start and the end of this handover happened (the dossier
        read, a joint visit, the customer told, a checkpoint set): given or now, already
        past, not before the handover began. These steps may happen in any order: a joint
        visit made yesterday can be recorded after the dossier was acknowledged today."""
        when = happened(occurred_at or now, "occurred_at", now)
        if handover.initiated_at is not None:
            not_before(when, handover.initiated_at, "occurred_at",
                       f"this handover began ({handover.initiated_at.isoformat()})")
        return when

    @staticmethod
    def _closing_step_time(handover: HandoverState, occurred_at: datetime | None,
                           now: datetime) -> datetime:
        """When the handover was completed or cancelled, or its review held: given or now,
        already past, and not before any step recorded so far."""
        when = happened(occurred_at or now, "occurred_at", now)
        if handover.last_step_at is not None:
            not_before(when, handover.last_step_at, "occurred_at",
                       f"this handover's latest step ({handover.last_step_at.isoformat()})")
        return when

    def _open_handover(self, handover_id: str) -> HandoverState:
        handover = self.handovers.get(an_item_id(handover_id, "handover_id"))
        if handover is None:
            raise ItemNotFound(f"no handover {handover_id} on this account", field="handover_id")
        if handover.status != "open":
            raise HandoverNotOpen(f"handover {handover_id} is already {handover.status}")
        return handover

    # ------------------------------------------------------------------ corrections (訂正)

    class RecordCorrected(Event):
        """Points at an earlier event and says what was wrong; the original stays as it was."""

        corrected_event_id: UUID
        corrected_version: int
        corrected_kind: str
        corrections: dict[str, Any]
        originals: dict[str, Any]
        reason: str

        def apply(self, account: Account) -> None:
            if self.corrected_kind == "PromiseMade" and "due_date" in self.corrections:
                promise_id = account.promise_made_at[self.corrected_version]
                _change(account.promises, promise_id, due_date=self.corrections["due_date"])

    def correct(
        self,
        actor: Actor,
        now: datetime,
        *,
        target: CorrectionTarget,
        corrections: dict[str, Any],
        reason: str,
    ) -> None:
        self._require_recorder(actor)
        correctable = CORRECTABLE.get(target.kind)
        if correctable is None:
            raise NotCorrectable(f"a {target.kind} record cannot be corrected",
                                 field="corrected_event_id")
        if not 1 <= target.version <= self.version:
            raise NotCorrectable("no such record on this account", field="corrected_event_id")
        if not corrections:
            raise InvalidValue("say what was wrong", field="corrections")
        checked: dict[str, Any] = {}
        for name, value in corrections.items():
            check = correctable.get(name)
            if check is None:
                allowed = ", ".join(sorted(correctable))
                raise InvalidValue(f"{name} cannot be corrected on {target.kind}; "
                                   f"correctable: {allowed}", field=f"corrections.{name}")
            checked[name] = check(value, f"corrections.{name}", now)
        if target.kind == "PromiseMade" and target.version not in self.promise_made_at:
            raise NotCorrectable("no such promise on this account", field="corrected_event_id")
        self._record(
            self.RecordCorrected, actor, now,
            corrected_event_id=target.event_id,
            corrected_version=target.version,
            corrected_kind=target.kind,
            corrections=checked,
            originals={name: target.values.get(name) for name in checked},
            reason=required_text(reason, "reason", LONG_TEXT),
        )

    def __deepcopy__(self, memo: dict[int, Any]) -> Account:
        """A copy for one command, in time independent of the account's history length.

        The repository hands every command a deep copy of the cached account, so a command
        that fails part-way leaves the cache untouched. Item states are frozen and every
        other attribute is immutable, so copying the maps (and lists) is a full copy.
        """
        copy = object.__new__(type(self))
        copy.__dict__.update({
            name: (dict(value) if isinstance(value, dict)
                   else list(value) if isinstance(value, list) else value)
            for name, value in self.__dict__.items()
        })
        return copy

    @property
    def promise_made_at(self) -> dict[int, str]:
        """Promise ids by the version of their PromiseMade event."""
        return {p.made_at_version: pid for pid, p in self.promises.items()}


def _latest(handover: HandoverState, occurred_at: datetime) -> datetime:
    """The later of a handover's latest step so far and this one."""
    if handover.last_step_at is None:
        return occurred_at
    return max(handover.last_step_at, occurred_at)


def _change(items: dict[str, Any], item_id: str, **changes: Any) -> None:
    items[item_id] = replace(items[item_id], **changes)


def _minutes_between(planned_at: datetime | None, occurred_at: datetime) -> int:
    if planned_at is None:
        return 0
    return max(0, int((occurred_at - planned_at).total_seconds() // 60))
