"""The fairness property (issue #17): a successor is judged against what he inherited.

Predecessor and successor behave identically — the same cadence, in person and on time,
promises kept on their day, complaints answered as fast — but the successor inherits a
warm, a cooling, or an in-complaint customer. His like-for-like score (the predecessor
over the same number of days from the start of his tenure) must lie within 5 points of
the predecessor's in each case, and within 5 points across the three cases.

The handover is back-dated by the domain's own means: every command takes the instant it
happens at (``now``), so the stories are told at the times they happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.account import Account
from projections.health import HealthView, health_report
from tests.conftest import JST, 佐藤さん, 田中課長, 鈴木さん

始まり = datetime(2023, 4, 3, 10, 0, tzinfo=JST)
FAIRNESS_POINTS = 5

Mood = Callable[[int], bool]  # days before (negative) or after the handover → small talk?


def warm(_day: int) -> bool:
    return True


def cooling(day: int) -> bool:
    """Warm until four months before the handover, then small talk fades, and stays gone."""
    if day < -120:
        return True
    return day < -80 and day % 3 == 0


def in_complaint(day: int) -> bool:
    """Warm, but not while the complaint received before the handover is open."""
    return not -5 <= day <= 5


@dataclass
class Rep:
    """How a rep works, the same for predecessor and successor."""

    cadence_days: int = 14
    promise_every_days: int = 28
    promise_due_in_days: int = 7


@dataclass
class Story:
    account: Account
    handover_at: datetime
    events: list[Any] = field(default_factory=list)

    def report(self, days_after: int) -> dict[str, Any]:
        document = HealthView.fold(self.account.collect_events())
        assert document is not None
        return health_report(document, self.handover_at + timedelta(days=days_after, hours=8))


def a_handover_story(mood: Mood, *, predecessor_days: int, successor_days: int, rep: Rep,
                     complaint_before_handover: bool = False,
                     promise_due_after_handover: bool = False) -> Story:
    """The account's life told day by day, the handover completed ``predecessor_days``
    after it opened (at the time it happened: back-dated)."""
    account = Account.open(田中課長, 始まり, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=rep.cadence_days)
    handover_at = 始まり + timedelta(days=predecessor_days)
    open_promises: dict[str, date] = {}
    complaint_id = None
    for offset in range(0, predecessor_days + successor_days):
        now = 始まり + timedelta(days=offset)
        day = offset - predecessor_days  # relative to the handover
        if day == 0:
            _hand_over(account, now)
        actor = 佐藤さん if day < 0 else 鈴木さん
        tenure_day = offset if day < 0 else day
        for promise_id, due in list(open_promises.items()):
            if due == now.date():
                account.close_promise(actor, now, promise_id=promise_id, outcome="kept")
                del open_promises[promise_id]
        if tenure_day % rep.cadence_days == 1:
            account.record_visit(actor, now, occurred_at=now, purpose="定期訪問", summary="",
                                 small_talk=mood(day), minutes_late=0)
        if tenure_day % rep.promise_every_days == 2:
            due = now.date() + timedelta(days=rep.promise_due_in_days)
            open_promises[account.make_promise(actor, now, description="見積りを送る",
                                               made_to="山田部長", due_date=due)] = due
        if promise_due_after_handover and day == -3:
            due = now.date() + timedelta(days=10)
            open_promises[account.make_promise(actor, now, description="サンプルを届ける",
                                               made_to="山田部長", due_date=due)] = due
        if complaint_before_handover and day == -3:
            complaint_id = account.receive_complaint(actor, now, received_at=now,
                                                     subject="納品遅れ", severity="high")
            account.acknowledge_complaint(actor, now + timedelta(hours=2),
                                          complaint_id=complaint_id)
        if complaint_id is not None and day == 3:
            account.resolve_complaint(actor, now, complaint_id=complaint_id, resolved_at=now,
                                      resolution="代替品を納品")
    return Story(account, handover_at)


def _hand_over(account: Account, now: datetime) -> None:
    handover_id = account.initiate_handover(田中課長, now - timedelta(days=1),
                                            to_rep_id="suzuki", reason="異動",
                                            effective_at=now)
    account.acknowledge_dossier(鈴木さん, now - timedelta(hours=20), handover_id=handover_id)
    account.complete_handover(田中課長, now, handover_id=handover_id)


def like_for_like(story: Story, days_after: int) -> tuple[int, int]:
    comparison = story.report(days_after)["tenures"][1]["comparison"]
    return comparison["score"], comparison["predecessor_score"]


@settings(max_examples=25, deadline=None)
@given(predecessor_days=st.integers(300, 700), successor_days=st.integers(30, 150),
       cadence=st.sampled_from([7, 14, 28]), promise_every=st.sampled_from([14, 28, 42]))
def test_同じ働きなら引き継いだ顧客の温度で後任の点は変わらない(
        predecessor_days: int, successor_days: int, cadence: int, promise_every: int) -> None:
    """Like the issue's story: the predecessor's first days were with a fresh account (his
    like-for-like days end before the customer began to cool)."""
    rep = Rep(cadence_days=cadence, promise_every_days=promise_every)
    scores = {}
    for name, mood, complaint in (("warm", warm, False), ("cooling", cooling, False),
                                  ("in_complaint", in_complaint, True)):
        story = a_handover_story(mood, predecessor_days=predecessor_days,
                                 successor_days=successor_days + 1, rep=rep,
                                 complaint_before_handover=complaint)
        successor, predecessor = like_for_like(story, successor_days)
        assert successor is not None and predecessor is not None
        assert abs(successor - predecessor) <= FAIRNESS_POINTS, (name, successor, predecessor)
        scores[name] = successor
    assert max(scores.values()) - min(scores.values()) <= FAIRNESS_POINTS, scores


def test_冷えた顧客を引き継いでも温かさは引き継いだ時点からの変化で測る() -> None:
    story = a_handover_story(cooling, predecessor_days=400, successor_days=61, rep=Rep())
    report = story.report(60)
    predecessor, successor = report["tenures"]
    assert successor["baseline"]["small_talk_share"]["value"] == 0.0, "received cold"
    warmth = {c["name"]: c for c in successor["health"]["components"]}["warmth"]
    assert warmth["score"] == 100, "kept the mood he received: no worse than given"
    cooled = {c["name"]: c for c in predecessor["health"]["components"]}["warmth"]
    assert cooled["score"] < 60, "the predecessor let a warm customer cool"


def test_前任の約束を期限どおり守れば後任の点になり_期限後に来た約束は誰の点にもならない() -> None:
    story = a_handover_story(warm, predecessor_days=300, successor_days=40, rep=Rep(),
                             promise_due_after_handover=True)
    report = story.report(39)
    successor = report["tenures"][1]
    inherited = successor["baseline"]["open_promises"]
    assert [p["made_by"] for p in inherited] == ["sato"]
    assert not inherited[0]["overdue"]
    promise_ids = set(inherited[0]["event_ids"])
    promises = {c["name"]: c for c in successor["health"]["components"]}["promises"]
    assert promise_ids <= set(promises["event_ids"]), "kept on time: his credit, cited"
