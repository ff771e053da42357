"""The value rules every command applies: dates and times within 1900-01-01 … 2200-12-31,
text without control characters, user ids of one shape. A refusal names the field and
leaves nothing pending on the account."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.account import Account
from domain.corrections import CorrectionTarget
from domain.errors import InvalidValue
from domain.users import User
from domain.values import (
    EARLIEST_DAY,
    LATEST_DAY,
    YEARS_WITHIN_BOUNDS,
    Actor,
    Role,
    a_date,
    a_user_id,
    aware,
    happened,
    optional_text,
    required_text,
    text_list,
)
from tests.conftest import JST, 佐藤さん, 田中課長

今 = datetime(2026, 11, 20, 10, 0, tzinfo=JST)
管理者 = Actor("admin", Role.ADMIN)
YEAR_ONE_IN_TOKYO = datetime(1, 1, 1, 0, 0, tzinfo=JST)
LAST_SECOND_OF_9999_WEST = datetime(9999, 12, 31, 23, 59, 59,
                                    tzinfo=timezone(timedelta(hours=-12)))

offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes)))
days_within = st.dates(min_value=EARLIEST_DAY, max_value=LATEST_DAY)
days_outside = st.one_of(st.dates(max_value=EARLIEST_DAY - timedelta(days=1)),
                         st.dates(min_value=LATEST_DAY + timedelta(days=1)))
FORBIDDEN = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ud800", "\udfff"]


def at_local(day: date, offset: timezone, seconds: int = 0) -> datetime:
    return datetime.combine(day, datetime.min.time(), offset) + timedelta(seconds=seconds)


# ---------------------------------------------------------------------- dates and times


@given(day=days_outside, offset=offsets, seconds=st.integers(0, 86_399))
def test_a_time_on_a_day_outside_the_bounds_is_refused_naming_the_field(
        day: date, offset: timezone, seconds: int) -> None:
    moment = at_local(day, offset, seconds)
    with pytest.raises(InvalidValue) as refused:
        aware(moment, "occurred_at")
    assert refused.value.field == "occurred_at"
    assert "1900-01-01" in str(refused.value) and "2200-12-31" in str(refused.value)


@given(day=days_within, offset=offsets, seconds=st.integers(0, 86_399))
def test_a_time_on_a_day_within_the_bounds_is_kept_and_converts_to_utc(
        day: date, offset: timezone, seconds: int) -> None:
    moment = at_local(day, offset, seconds)
    assert aware(moment, "effective_at") is moment
    assert moment.astimezone(UTC).year in range(1899, 2202)  # no OverflowError, ever


@given(day=days_outside)
def test_a_day_outside_the_bounds_is_refused(day: date) -> None:
    with pytest.raises(InvalidValue) as refused:
        a_date(day, "due_date")
    assert refused.value.field == "due_date"


@given(day=days_within)
def test_a_day_within_the_bounds_is_kept(day: date) -> None:
    assert a_date(day, "due_date") == day


@pytest.mark.parametrize("moment", [YEAR_ONE_IN_TOKYO, LAST_SECOND_OF_9999_WEST,
                                    datetime(1899, 12, 31, 23, 59, 59, tzinfo=UTC),
                                    datetime(2201, 1, 1, tzinfo=JST)])
def test_the_local_day_is_judged_before_any_conversion(moment: datetime) -> None:
    """These overflow when converted to UTC (or are one second outside): refused first."""
    with pytest.raises(InvalidValue):
        happened(moment, "occurred_at", 今)


def test_the_first_and_last_instants_are_accepted() -> None:
    first = datetime(1900, 1, 1, tzinfo=timezone(timedelta(hours=23, minutes=59)))
    last = datetime(2200, 12, 31, 23, 59, 59, 999_999,
                    tzinfo=timezone(-timedelta(hours=23, minutes=59)))
    assert happened(first, "occurred_at", 今) == first
    assert aware(last, "effective_at") == last
    assert first.astimezone(UTC).year == 1899 and last.astimezone(UTC).year == 2201


# ---------------------------------------------------------------------- text

safe_text = st.text(st.characters(blacklist_categories=("Cs",),
                                  blacklist_characters="".join(FORBIDDEN) + "\r"),
                    min_size=1, max_size=50).filter(str.strip)


@given(before=safe_text, bad=st.sampled_from(FORBIDDEN), after=safe_text)
def test_text_with_a_control_character_is_refused_naming_the_field(
        before: str, bad: str, after: str) -> None:
    for check in (required_text, optional_text):
        with pytest.raises(InvalidValue) as refused:
            check(before + bad + after, "summary")
        assert refused.value.field == "summary"
    with pytest.raises(InvalidValue) as refused_in_list:
        text_list(["山田 一郎 部長", before + bad + after], "attendees")
    assert refused_in_list.value.field == "attendees[1]"


@given(text=safe_text)
def test_other_text_is_kept_exactly(text: str) -> None:
    assert required_text(text, "purpose") == text
    assert optional_text(text, "summary") == text


def test_tab_newline_and_crlf_are_text_a_lone_carriage_return_is_not() -> None:
    written = "新ラインの件\n\t山田部長: 忙しそう\r\n次回: カタログ"
    assert optional_text(written, "summary") == written  # kept as sent, CRLF included
    for lone in ("行1\r行2", "末尾\r", "\r\r\n"):
        with pytest.raises(InvalidValue) as refused:
            optional_text(lone, "summary")
        assert refused.value.field == "summary"


# ---------------------------------------------------------------------- user ids

user_ids = st.from_regex(r"\A[a-z0-9_.-]{1,64}\Z").filter(lambda text: text.strip("."))


@given(user_id=user_ids)
def test_a_user_id_is_1_to_64_of_lowercase_digits_and_three_marks(user_id: str) -> None:
    assert a_user_id(user_id, "owner_rep_id") == user_id


@given(user_id=user_ids, bad=st.characters().filter(lambda c: c not in
                                                     "abcdefghijklmnopqrstuvwxyz0123456789_.-"))
def test_any_other_character_makes_it_no_user_id(user_id: str, bad: str) -> None:
    for candidate in (bad + user_id, user_id + bad, user_id[:1] + bad + user_id[1:]):
        with pytest.raises(InvalidValue) as refused:
            a_user_id(candidate[:64], "owner_rep_id")
        assert refused.value.field == "owner_rep_id"


@pytest.mark.parametrize("user_id", ["", "a" * 65, "Sato", "sa\x00to", "sato\n", ".", "..",
                                     "さとう", "sa to"])
def test_these_are_no_user_ids(user_id: str) -> None:
    with pytest.raises(InvalidValue):
        a_user_id(user_id, "to_rep_id")


@pytest.mark.parametrize("user_id", ["admin", "cli"])
def test_the_principals_that_are_not_users_are_reserved(user_id: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        User.register(管理者, user_id=user_id, name="管理者", role="admin", token_hash="x")
    assert refused.value.field == "user_id"


@pytest.mark.parametrize("user_id", ["sato", "sato.k", "k-sato_2", "_svc", "a" * 64, "admin2"])
def test_ids_of_the_usual_shape_are_registered(user_id: str) -> None:
    assert User.register(管理者, user_id=user_id, name="佐藤 健", role="rep",
                         token_hash="x").user_id == user_id


# ---------------------------------------------------------------------- every command


@pytest.fixture
def account() -> Account:
    """株式会社山田製作所 with one of everything open, handed over to 鈴木さん."""
    account = Account.open(田中課長, 今 - timedelta(days=400), name="株式会社山田製作所",
                           owner_rep_id="sato", visit_cadence_days=14)
    account.make_promise(佐藤さん, 今, description="カタログ送付", due_date=date(2026, 11, 27),
                         made_to="山田部長")
    account.receive_complaint(佐藤さん, 今, received_at=今 - timedelta(days=2), subject="納品遅延")
    account.receive_request(佐藤さん, 今, kind="discount", detail="5%値下げ")
    account.give_proposal(佐藤さん, 今, title="省エネ型コンプレッサー")
    account.add_stakeholder(佐藤さん, 今, name="山田 一郎")
    account.initiate_handover(田中課長, 今, to_rep_id="suzuki", reason="異動", effective_at=今)
    account.collect_events()
    return account


def only(items: dict[str, Any]) -> str:
    return next(iter(items))


Command = Callable[[Account, Any], object]
DATED: list[tuple[str, Command]] = [
    ("occurred_at", lambda a, v: a.record_visit(佐藤さん, 今, occurred_at=v, purpose="定期訪問",
                                                summary="")),
    ("planned_at", lambda a, v: a.record_visit(佐藤さん, 今, occurred_at=今, planned_at=v,
                                               purpose="定期訪問", summary="")),
    ("due_date", lambda a, v: a.make_promise(佐藤さん, 今, description="見積", due_date=v,
                                             made_to="山田部長")),
    ("occurred_at", lambda a, v: a.make_promise(佐藤さん, 今, description="見積",
                                                due_date=date(2026, 12, 1), made_to="山田部長",
                                                occurred_at=v)),
    ("new_due_date", lambda a, v: a.renegotiate_promise(佐藤さん, 今, promise_id=only(a.promises),
                                                        new_due_date=v)),
    ("occurred_at", lambda a, v: a.close_promise(佐藤さん, 今, promise_id=only(a.promises),
                                                 outcome="kept", occurred_at=v)),
    ("received_at", lambda a, v: a.receive_complaint(佐藤さん, 今, received_at=v, subject="遅延")),
    ("occurred_at", lambda a, v: a.acknowledge_complaint(
        佐藤さん, 今, complaint_id=only(a.complaints), occurred_at=v)),
    ("occurred_at", lambda a, v: a.apologise_for_complaint(
        佐藤さん, 今, complaint_id=only(a.complaints), occurred_at=v)),
    ("occurred_at", lambda a, v: a.propose_remedy(
        佐藤さん, 今, complaint_id=only(a.complaints), remedy="在庫確保", occurred_at=v)),
    ("resolved_at", lambda a, v: a.resolve_complaint(
        佐藤さん, 今, complaint_id=only(a.complaints), resolved_at=v, resolution="合意")),
    ("occurred_at", lambda a, v: a.receive_request(佐藤さん, 今, kind="other", detail="x",
                                                   occurred_at=v)),
    ("occurred_at", lambda a, v: a.answer_request(佐藤さん, 今, request_id=only(a.requests),
                                                  answer="declined", occurred_at=v)),
    ("occurred_at", lambda a, v: a.give_proposal(佐藤さん, 今, title="提案", occurred_at=v)),
    ("occurred_at", lambda a, v: a.record_reaction(佐藤さん, 今, proposal_id=only(a.proposals),
                                                   reaction="positive", occurred_at=v)),
    ("renewed_at", lambda a, v: a.renew_contract(佐藤さん, 今, renewed_at=v,
                                                 contract_end=date(2027, 3, 31), terms="",
                                                 annual_value_jpy=1)),
    ("contract_end", lambda a, v: a.renew_contract(佐藤さん, 今, renewed_at=今, contract_end=v,
                                                   terms="", annual_value_jpy=1)),
    ("effective_at", lambda a, v: _fresh_handover(a, v)),
    ("occurred_at", lambda a, v: a.record_joint_visit(
        田中課長, 今, handover_id=a.open_handover_id, occurred_at=v)),
    ("occurred_at", lambda a, v: a.record_customer_informed(
        田中課長, 今, handover_id=a.open_handover_id, occurred_at=v)),
    ("checkpoint_on", lambda a, v: a.schedule_checkpoint(
        田中課長, 今, handover_id=a.open_handover_id, checkpoint_on=v)),
]


def _fresh_handover(account: Account, effective_at: object) -> object:
    """The fixture's account is mid-handover already: hand over one that is not."""
    return _not_handed_over().initiate_handover(田中課長, 今, to_rep_id="suzuki",
                                                reason="異動", effective_at=effective_at)


def _not_handed_over() -> Account:
    account = Account.open(田中課長, 今, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14)
    account.collect_events()
    return account


def out_of_bounds(field: str) -> list[object]:
    if field.endswith(("_date", "_end", "_on")):
        return [date(1, 1, 1), date(1899, 12, 31), date(2201, 1, 1), date(9999, 12, 31)]
    return [YEAR_ONE_IN_TOKYO, LAST_SECOND_OF_9999_WEST,
            datetime(1899, 12, 31, 23, 59, tzinfo=UTC)]


@pytest.mark.parametrize(("field", "command"), DATED, ids=[f"{i}-{f}" for i, (f, _) in
                                                            enumerate(DATED)])
def test_every_dated_command_refuses_a_day_outside_the_bounds(
        account: Account, field: str, command: Command) -> None:
    version = account.version
    for value in out_of_bounds(field):
        with pytest.raises(InvalidValue) as refused:
            command(account, value)
        assert refused.value.field == field, value
        assert account.collect_events() == [] and account.version == version


@pytest.mark.parametrize(("name", "value"), [
    ("occurred_at", YEAR_ONE_IN_TOKYO), ("due_date", date(9999, 12, 31)),
    ("contract_end", date(1, 1, 1)),
])
def test_a_correction_refuses_a_day_outside_the_bounds(account: Account, name: str,
                                                       value: object) -> None:
    kind = {"occurred_at": "VisitRecorded", "due_date": "PromiseMade",
            "contract_end": "ContractRenewed"}[name]
    version = {"PromiseMade": 2}.get(kind, 1)
    with pytest.raises(InvalidValue) as refused:
        account.correct(佐藤さん, 今, target=CorrectionTarget(uuid4(), version, kind),
                        corrections={name: value}, reason="誤記")
    assert refused.value.field == f"corrections.{name}"
    assert account.collect_events() == []


TEXTS: list[tuple[str, Command]] = [
    ("owner_rep_id", lambda a, v: Account.open(田中課長, 今, name="株式会社X", owner_rep_id=v,
                                               visit_cadence_days=14)),
    ("name", lambda a, v: Account.open(田中課長, 今, name=v, owner_rep_id="sato",
                                       visit_cadence_days=14)),
    ("purpose", lambda a, v: a.record_visit(佐藤さん, 今, occurred_at=今, purpose=v, summary="")),
    ("attendees[0]", lambda a, v: a.record_visit(佐藤さん, 今, occurred_at=今, purpose="訪問",
                                                 summary="", attendees=[v])),
    ("made_to", lambda a, v: a.make_promise(佐藤さん, 今, description="見積",
                                            due_date=date(2026, 12, 1), made_to=v)),
    ("promise_id", lambda a, v: a.close_promise(佐藤さん, 今, promise_id=v, outcome="kept")),
    ("complaint_id", lambda a, v: a.acknowledge_complaint(佐藤さん, 今, complaint_id=v)),
    ("request_id", lambda a, v: a.answer_request(佐藤さん, 今, request_id=v, answer="declined")),
    ("proposal_id", lambda a, v: a.record_reaction(佐藤さん, 今, proposal_id=v,
                                                   reaction="neutral")),
    ("stakeholder_id", lambda a, v: a.stakeholder_left(佐藤さん, 今, stakeholder_id=v)),
    ("handover_id", lambda a, v: a.complete_handover(田中課長, 今, handover_id=v)),
    ("to_rep_id", lambda a, v: _handover_to(a, v)),
    ("text", lambda a, v: a.add_note(佐藤さん, 今, text=v)),
    ("terms", lambda a, v: a.renew_contract(佐藤さん, 今, renewed_at=今,
                                            contract_end=date(2027, 3, 31), terms=v,
                                            annual_value_jpy=1)),
]


def _handover_to(account: Account, successor: str) -> object:
    return _not_handed_over().initiate_handover(田中課長, 今, to_rep_id=successor,
                                                reason="異動", effective_at=今)


@pytest.mark.parametrize(("field", "command"), TEXTS, ids=[f for f, _ in TEXTS])
@pytest.mark.parametrize("value", ["sa\x00to", "sato\x1b[2J", "sa\rto"])
def test_every_text_and_id_refuses_control_characters(
        account: Account, field: str, command: Command, value: str) -> None:
    version = account.version
    with pytest.raises(InvalidValue) as refused:
        command(account, value)
    assert refused.value.field == field
    assert account.collect_events() == [] and account.version == version


def test_the_schemas_year_pattern_says_the_same_bounds() -> None:
    """/openapi.json states the bounds as a year pattern; it must not drift from the rule."""
    assert (EARLIEST_DAY.month, EARLIEST_DAY.day, LATEST_DAY.month, LATEST_DAY.day) == (
        1, 1, 12, 31), "whole years, or a year pattern cannot say it"
    years = re.compile(YEARS_WITHIN_BOUNDS)
    for year in range(1, 10_000):
        within = EARLIEST_DAY.year <= year <= LATEST_DAY.year
        assert bool(years.fullmatch(f"{year:04d}")) is within, year
