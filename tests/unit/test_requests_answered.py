"""The customer's requests (要望) in the score (#17): answered fast earns credit, whoever
received them. 山田部長 asks 佐藤さん for a rush delivery three days before 佐藤さん hands
株式会社山田製作所 to 鈴木さん; answering it is now 鈴木さん's work, and his credit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.account import Account
from projections.health import HealthView, health_report
from projections.health_score import REQUEST_ANSWER_DAYS
from tests.conftest import JST, 佐藤さん, 田中課長, 鈴木さん

始まり = datetime(2025, 4, 1, 10, 0, tzinfo=JST)
引き継ぎ = datetime(2025, 10, 1, 9, 0, tzinfo=JST)
要望の日 = 引き継ぎ - timedelta(days=3)


def 山田製作所(answered_after_days: float | None, *, by_successor: bool = True) -> Account:
    account = Account.open(田中課長, 始まり, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14)
    request = account.receive_request(佐藤さん, 要望の日, kind="rush_delivery",
                                      detail="来月分を1週間前倒ししたい")
    if not by_successor and answered_after_days is not None:
        account.answer_request(佐藤さん, 要望の日 + timedelta(days=answered_after_days),
                               request_id=request, answer="declined", note="工場の都合で難しい")
    handover = account.initiate_handover(田中課長, 引き継ぎ - timedelta(days=2),
                                         to_rep_id="suzuki", reason="異動",
                                         effective_at=引き継ぎ)
    account.acknowledge_dossier(鈴木さん, 引き継ぎ - timedelta(days=1), handover_id=handover)
    account.complete_handover(田中課長, 引き継ぎ, handover_id=handover)
    if by_successor and answered_after_days is not None:
        account.answer_request(鈴木さん, 引き継ぎ + timedelta(days=answered_after_days),
                               request_id=request, answer="accepted",
                               concession="今回限り前倒し")
    return account


def requests(account: Account, at: datetime) -> list[dict[str, Any] | None]:
    document = HealthView.fold(account.collect_events())
    assert document is not None
    report = health_report(document, at)
    return [next((c for c in t["health"]["components"] if c["name"] == "requests"), None)
            for t in report["tenures"]]


def test_引き継いだ要望にすぐ答えれば後任の点になる() -> None:
    sato, suzuki = requests(山田製作所(answered_after_days=1), 引き継ぎ + timedelta(days=30))
    assert suzuki is not None and sato is not None
    assert (suzuki["raw_score"], suzuki["evidence_count"]) == (100, 1)
    assert len(suzuki["event_ids"]) == 2, "the request and his answer"
    assert sato["raw_score"] == 100, "three days old at the handover: not yet late"


def test_引き継いだ要望を放っておけば後任の点が下がり_前任は引き継ぎ時点で評価される() -> None:
    sato, suzuki = requests(山田製作所(answered_after_days=None), 引き継ぎ + timedelta(days=20))
    assert suzuki is not None and sato is not None
    assert suzuki["raw_score"] == 0, "twenty days unanswered since he took it over"
    assert sato["raw_score"] == 100, "as it stood at the handover"


def test_前任が答えた要望は前任の点で_後任には関係しない() -> None:
    sato, suzuki = requests(山田製作所(answered_after_days=2, by_successor=False),
                            引き継ぎ + timedelta(days=30))
    assert sato is not None and sato["raw_score"] == 100
    assert suzuki is not None and (suzuki["raw"], suzuki["detail"]) == (None, "要望なし")


@settings(max_examples=30, deadline=None)
@given(answered=st.floats(0, 30), judged=st.floats(0, 40))
def test_引き継いだ要望に答えて点が下がることはない(answered: float, judged: float) -> None:
    """As of any day, having answered the inherited request scores at least as well as
    leaving it open, and sooner never scores worse than later."""
    at = 引き継ぎ + timedelta(days=max(answered, judged) + 0.01)
    open_ = requests(山田製作所(answered_after_days=None), at)[1]
    done = requests(山田製作所(answered_after_days=answered), at)[1]
    sooner = requests(山田製作所(answered_after_days=answered / 2), at)[1]
    assert open_ is not None and done is not None and sooner is not None
    assert open_["raw"] <= done["raw"] <= sooner["raw"]


def test_回答の速さは滑らかに下がる() -> None:
    full, none = REQUEST_ANSWER_DAYS
    scores = [requests(山田製作所(answered_after_days=d), 引き継ぎ + timedelta(days=40))[1]
              for d in (full - 0.5, (full + none) / 2, none + 1)]
    raws = [s["raw"] for s in scores if s is not None]
    assert raws[0] == 1.0 and 0.4 < raws[1] < 0.6 and raws[2] == 0.0
