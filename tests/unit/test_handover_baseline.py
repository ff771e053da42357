"""A three-year story (issue #17): 佐藤さん keeps 山田製作所 warm for years and lets it cool
in his last months; the handover to 鈴木さん is recorded at the time it happened (back-dated);
鈴木さん keeps the promises he inherited, resolves the inherited complaint, answers the
waiting request. The baseline he received, the like-for-like comparison and each
component are asserted, in the health report and in the dossier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from api.reads.accounts import health_summary
from api.reads.models import public
from api.reads.people import People
from domain.account import Account
from domain.errors import UserNotFound
from domain.users import User
from projections.dossier import DossierView, present
from projections.health import HealthView, health_report
from tests.conftest import JST, 佐藤さん, 田中課長, 鈴木さん

始まり = datetime(2023, 4, 3, 10, 0, tzinfo=JST)
引き継ぎ = datetime(2026, 4, 1, 17, 0, tzinfo=JST)
契約終了 = date(2026, 6, 30)


@dataclass
class Story:
    events: list[Any]
    completed_at: int  # how many events up to and including the handover's completion
    sato_promise_due_after: str
    sato_promise_overdue: str
    complaint_id: str
    request_id: str


def at(day: datetime, offset_days: int, hours: int = 0) -> datetime:
    return day + timedelta(days=offset_days, hours=hours)


@pytest.fixture(scope="module")
def story() -> Story:
    account = Account.open(田中課長, 始まり, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14)
    account.renew_contract(田中課長, 始まり, renewed_at=始まり, contract_end=契約終了,
                           terms="年間保守", annual_value_jpy=3_600_000)
    friend = account.add_stakeholder(佐藤さん, at(始まり, 1), name="山田 花子", title="購買担当",
                                     stance="supportive")
    days_to_handover = (引き継ぎ - 始まり).days
    for offset in range(1, days_to_handover, 14):
        now = at(始まり, offset)
        cooling = days_to_handover - offset < 120
        account.record_visit(佐藤さん, now, occurred_at=now, purpose="定期訪問", summary="",
                             small_talk=not cooling)
        if offset % 56 == 1:
            promise = account.make_promise(佐藤さん, now, description="見積りを送る",
                                           made_to="山田部長",
                                           due_date=(now + timedelta(days=7)).date())
            account.close_promise(佐藤さん, now + timedelta(days=7), promise_id=promise,
                                  outcome="kept")
    discount = account.receive_request(佐藤さん, at(始まり, 400), kind="discount",
                                       detail="単価の見直し")
    account.answer_request(佐藤さん, at(始まり, 402), request_id=discount, answer="partly",
                           concession="値下げ 3%")
    account.stakeholder_left(佐藤さん, at(引き継ぎ, -100), stakeholder_id=friend,
                             reason="退職")
    request_id = account.receive_request(佐藤さん, at(引き継ぎ, -20), kind="rush_delivery",
                                         detail="来月分を前倒し")
    overdue = account.make_promise(佐藤さん, at(引き継ぎ, -12), description="カタログを送る",
                                   made_to="山田部長", due_date=at(引き継ぎ, -2).date())
    due_after = account.make_promise(佐藤さん, at(引き継ぎ, -5), description="サンプルを届ける",
                                     made_to="山田部長", due_date=at(引き継ぎ, 10).date())
    complaint_id = account.receive_complaint(佐藤さん, at(引き継ぎ, -3),
                                             received_at=at(引き継ぎ, -3),
                                             subject="納品遅れ", severity="high")
    account.acknowledge_complaint(佐藤さん, at(引き継ぎ, -3, 2), complaint_id=complaint_id)
    handover_id = account.initiate_handover(田中課長, at(引き継ぎ, -2), to_rep_id="suzuki",
                                            reason="佐藤さんの大阪支店への異動",
                                            effective_at=引き継ぎ)
    account.acknowledge_dossier(鈴木さん, at(引き継ぎ, -1), handover_id=handover_id)
    account.complete_handover(田中課長, 引き継ぎ, handover_id=handover_id)
    completed_at = len(account.pending_events)

    for offset in range(1, 61, 14):  # the customer stays cold: no small talk
        now = at(引き継ぎ, offset)
        account.record_visit(鈴木さん, now, occurred_at=now, purpose="定期訪問", summary="")
    account.resolve_complaint(鈴木さん, at(引き継ぎ, 3), complaint_id=complaint_id,
                              resolved_at=at(引き継ぎ, 3), resolution="代替品を納品")
    account.answer_request(鈴木さん, at(引き継ぎ, 4), request_id=request_id, answer="declined")
    account.close_promise(鈴木さん, at(引き継ぎ, 6), promise_id=overdue, outcome="kept")
    account.close_promise(鈴木さん, at(引き継ぎ, 10), promise_id=due_after, outcome="kept")
    return Story(list(account.collect_events()), completed_at, due_after, overdue,
                 complaint_id, request_id)


def report(story: Story, days_after: int) -> dict[str, Any]:
    document = HealthView.fold(story.events)
    assert document is not None
    return health_report(document, at(引き継ぎ, days_after, 1))


def test_引き継ぎ時点の関係がそのまま記録される(story: Story) -> None:
    received = report(story, 60)["tenures"][1]["baseline"]

    promises = {p["promise_id"]: p for p in received["open_promises"]}
    assert set(promises) == {story.sato_promise_due_after, story.sato_promise_overdue}
    assert {p["made_by"] for p in promises.values()} == {"sato"}
    assert promises[story.sato_promise_overdue]["overdue"]
    assert promises[story.sato_promise_due_after]["due_date"] == "2026-04-11"
    [complaint] = received["open_complaints"]
    assert (complaint["severity"], complaint["age_days"], complaint["responded"]) == (
        "high", 3.0, True)
    [request] = received["unanswered_requests"]
    assert (request["request_id"], request["age_days"]) == (story.request_id, 20.0)
    assert [c["concession"] for c in received["concessions"]] == ["値下げ 3%"]
    assert received["small_talk_share"]["value"] == 0.0
    assert len(received["small_talk_share"]["event_ids"]) == 5
    assert received["cadence_kept"]["value"] == 1.0
    assert received["contract_days_left"]["value"] == (契約終了 - 引き継ぎ.date()).days == 90
    assert [c["change"] for c in received["stakeholders_changed"]] == ["left"]
    for part in ("open_promises", "open_complaints", "unanswered_requests", "concessions",
                 "stakeholders_changed"):
        assert all(item["event_ids"] for item in received[part]), part
    cited = set(received["event_ids"])
    assert all(set(item["event_ids"]) <= cited for item in received["open_promises"])


def test_引き継ぎ時点はその後の出来事で変わらない(story: Story) -> None:
    at_completion = HealthView.fold(story.events[:story.completed_at])
    assert at_completion is not None
    assert at_completion["tenures"][1]["baseline"] == report(story, 60)["tenures"][1]["baseline"]


def test_後任は受け取った関係から評価され_同じ日数の前任と比べられる(story: Story) -> None:
    sato, suzuki = report(story, 60)["tenures"]
    components = {c["name"]: c for c in suzuki["health"]["components"]}
    for component in components.values():
        assert {"name", "score", "weight", "evidence_count", "event_ids",
                "provisional"} <= set(component)
    assert components["warmth"]["raw_score"] == 100, "kept the cold customer no colder"
    [complaint] = suzuki["baseline"]["open_complaints"]
    assert set(complaint["event_ids"]) <= set(components["complaints"]["event_ids"])
    assert components["complaints"]["raw_score"] == 100, "resolved 3 days after taking it"
    assert components["complaints"]["provisional"], "one complaint: shown, not trusted"
    promise_events = set(components["promises"]["event_ids"])
    received = {p["promise_id"]: p for p in suzuki["baseline"]["open_promises"]}
    assert set(received[story.sato_promise_due_after]["event_ids"]) <= promise_events, \
        "an inherited promise kept on time is his credit"
    assert not set(received[story.sato_promise_overdue]["event_ids"]) & promise_events, \
        "the one overdue when he received it is scored to no one"

    comparison = suzuki["comparison"]
    assert comparison["predecessor_rep_id"] == "sato" and comparison["days"] == 61
    assert comparison["score"] == suzuki["health"]["score"]
    assert abs(comparison["score"] - comparison["predecessor_score"]) <= 5
    assert comparison["same_season_last_year_score"] is not None

    frozen = {c["name"]: c for c in sato["health"]["components"]}
    assert frozen["warmth"]["raw_score"] < 70, "the predecessor's cooling shows in his own"
    assert frozen["complaints"]["evidence_count"] == 1, "open at handover: his until then"


def test_引き継ぎ資料にも引き継ぎ時点と同条件比較が載る(story: Story) -> None:
    document = DossierView.fold(story.events)
    assert document is not None
    dossier = present(document, at(引き継ぎ, 60, 1))
    first, second = dossier["tenures"]
    assert "baseline" not in first and "comparison" not in first
    assert second["baseline"] == report(story, 60)["tenures"][1]["baseline"]
    assert {"predecessor_rep_id", "days", "predecessor_score", "score"} <= set(
        second["comparison"])
    assert dossier["health"]["comparison"]["predecessor_rep_id"] == "sato"


def test_引き継ぎ中の資料は今引き継げば受け取る関係を示す(story: Story) -> None:
    before = DossierView.fold(story.events[:story.completed_at - 1])
    assert before is not None
    dossier = present(before, at(引き継ぎ, -1))
    assert dossier["handover"]["baseline"]["open_complaints"][0]["severity"] == "high"


class Registered:
    def get_user(self, user_id: str) -> User:
        names = {"sato": "佐藤 健", "suzuki": "鈴木 一郎"}
        if user_id not in names:
            raise UserNotFound(user_id)
        return User(user_id, names[user_id], "rep", "hash", "admin")


def test_取引先の健全度は後任の点を必ず同条件比較と並べる(story: Story) -> None:
    """GET /v1/accounts/{id}: the predecessor's closed score is never beside a ramp-up
    successor's alone — the successor's entry, and the current figure, carry the comparison."""
    document = HealthView.fold(story.events)
    assert document is not None
    sent = public(health_summary(document, at(引き継ぎ, 30), 90, People(Registered())))
    first, second = sent["tenures"]
    assert (first["status"], second["status"]) == ("closed", "ramp_up")
    assert "comparison" not in first
    assert set(second["comparison"]) == {"predecessor_rep_id", "days", "predecessor_score",
                                         "score", "same_season_last_year_score"}
    assert second["comparison"]["score"] == second["score"] == sent["score"]
    assert sent["comparison"] == second["comparison"]
