"""The customer's responsiveness (#17): how soon 山田部長 reacts to a proposal is his mood,
and it carries over a handover like small talk does. 佐藤さん's customer answered within a
day for a year, then began taking two weeks; 鈴木さん inherits a customer who takes two
weeks, and is judged on whether that got worse, not on the two weeks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.account import Account
from domain.values import Actor
from projections.health import HealthView, health_report
from projections.health_score import REPLY_DAYS
from tests.conftest import JST, 佐藤さん, 田中課長, 鈴木さん

始まり = datetime(2024, 4, 1, 10, 0, tzinfo=JST)
引き継ぎ = 始まり + timedelta(days=400)


def 提案(account: Account, rep: Actor, when: datetime, reply_after_days: float | None) -> None:
    proposal = account.give_proposal(rep, when, title="新ラインの省エネ提案", occurred_at=when)
    if reply_after_days is not None:
        replied = when + timedelta(days=reply_after_days)
        account.record_reaction(rep, replied, proposal_id=proposal, reaction="neutral",
                                occurred_at=replied)


def 山田製作所(before: list[float | None], after: list[float | None]) -> Account:
    """A proposal every month; the customer replies after so many days (None: never)."""
    account = Account.open(田中課長, 始まり, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14)
    for month, days in enumerate(before):
        提案(account, 佐藤さん, 引き継ぎ - timedelta(days=30 * (len(before) - month) + 5), days)
    handover = account.initiate_handover(田中課長, 引き継ぎ - timedelta(days=2),
                                         to_rep_id="suzuki", reason="異動", effective_at=引き継ぎ)
    account.acknowledge_dossier(鈴木さん, 引き継ぎ - timedelta(days=1), handover_id=handover)
    account.complete_handover(田中課長, 引き継ぎ, handover_id=handover)
    for month, days in enumerate(after):
        提案(account, 鈴木さん, 引き継ぎ + timedelta(days=30 * month + 3), days)
    return account


def report(account: Account, days_after: int) -> dict[str, Any]:
    document = HealthView.fold(account.collect_events())
    assert document is not None
    return health_report(document, 引き継ぎ + timedelta(days=days_after))


def warmth(tenure: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in tenure["health"]["components"] if c["name"] == "warmth")


def test_返答が遅くなった顧客を引き継いでも_遅いままなら後任の責任ではない() -> None:
    account = 山田製作所(before=[1, 1, 1, 1, 1, 14, 14, 14, 14, 14],
                        after=[14, 14, 14, 14, 14])
    sato, suzuki = report(account, 160)["tenures"]
    assert suzuki["baseline"]["reply_days"]["value"] == 14.0
    assert suzuki["baseline"]["reply_days"]["replies"] == 5
    assert len(suzuki["baseline"]["reply_days"]["event_ids"]) == 10, "each proposal and reply"
    assert warmth(suzuki)["raw_score"] == 100, "the customer is no slower than he received"
    assert warmth(sato)["raw_score"] < 50, "佐藤さん's customer went from a day to two weeks"
    assert "提案への返答" in warmth(suzuki)["detail"]


def test_引き継いだ後に返答が遅くなれば後任の温度が下がる() -> None:
    account = 山田製作所(before=[1] * 10, after=[1, 1, 10, 14, 18])
    suzuki = report(account, 160)["tenures"][1]
    assert warmth(suzuki)["raw_score"] < 80


def test_返事のない提案は返答なしとして数える() -> None:
    quiet = 山田製作所(before=[1] * 10, after=[1, None, None, None])
    prompt = 山田製作所(before=[1] * 10, after=[1, 1, 1, 1])
    judged = 30 * 3 + 3 + REPLY_DAYS[1] + 1  # the last proposal has waited long enough
    assert warmth(report(quiet, judged)["tenures"][1])["raw_score"] < warmth(
        report(prompt, judged)["tenures"][1])["raw_score"]


@settings(max_examples=25, deadline=None)
@given(inherited=st.floats(0, 20), months=st.integers(1, 6))
def test_同じ速さで返答する顧客なら_引き継いだ時点の速さに関係なく後任の温度は満点(
        inherited: float, months: int) -> None:
    """Whatever the customer's pace at the handover, a successor whose customer keeps that
    pace scores full on it: the fairness property for responsiveness."""
    account = 山田製作所(before=[inherited] * 6, after=[inherited] * months)
    suzuki = report(account, 30 * months + 10)["tenures"][1]
    assert warmth(suzuki)["raw_score"] == 100
