"""Back-dated history (#17): an account that began years ago, a handover recorded after it
happened, and a handover checkpoint recorded as held.

株式会社山田製作所 has been 佐藤さん's customer since April 2023; it is entered in Tsunagi
today (2026-12-01). 佐藤さん handed it to 鈴木さん in autumn 2025, and 田中課長 records that
handover now, step by step, each dated when it happened.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent

from domain.account import Account, HandoverState
from domain.application import Tsunagi
from domain.errors import (
    HandoverNotOpen,
    NoCheckpointPending,
    NotPermitted,
    OccursInFuture,
    OutOfOrder,
    OutOfRange,
)
from projections import dossier, health, relationship
from projections.health_score import Visit, day_visits
from tests.conftest import JST, 佐藤さん, 田中課長, 鈴木さん, 高橋さん
from tests.unit.test_invariants import refuses

今 = datetime(2026, 12, 1, 10, 0, tzinfo=JST)
始まり = date(2023, 4, 1)
引き継ぎ開始 = datetime(2025, 9, 1, 9, 0, tzinfo=JST)
引き継ぎ完了 = datetime(2025, 10, 1, 9, 0, tzinfo=JST)
OLDER_RELEASE = Path(__file__).parents[1] / "compat" / "releases" / "2026-12-01-main-0.1.0"


def 山田製作所() -> Account:
    account = Account.open(田中課長, 今, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14, started_on=始まり)
    account.collect_events()
    return account


def 引き継ぎ中(account: Account) -> str:
    """佐藤さん → 鈴木さん, begun on 2025-09-01 and recorded today."""
    return account.initiate_handover(田中課長, 今, to_rep_id="suzuki", reason="大阪支店への異動",
                                     effective_at=引き継ぎ完了, occurred_at=引き継ぎ開始)


def 引き継ぎ済み(account: Account) -> str:
    handover = 引き継ぎ中(account)
    account.acknowledge_dossier(鈴木さん, 今, handover_id=handover,
                                occurred_at=引き継ぎ開始 + timedelta(days=3))
    account.record_joint_visit(佐藤さん, 今, handover_id=handover,
                               occurred_at=引き継ぎ開始 + timedelta(days=10), note="同行訪問")
    account.record_customer_informed(佐藤さん, 今, handover_id=handover,
                                     occurred_at=引き継ぎ開始 + timedelta(days=10))
    account.schedule_checkpoint(田中課長, 今, handover_id=handover,
                                checkpoint_on=date(2026, 1, 5), note="90日後の振り返り",
                                occurred_at=引き継ぎ開始 + timedelta(days=11))
    account.complete_handover(鈴木さん, 今, handover_id=handover, occurred_at=引き継ぎ完了)
    return handover


# ---------------------------------------------------------------------- started_on


def test_取引が始まった日から記録される() -> None:
    account = Account.open(田中課長, 今, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14, started_on=始まり)
    [opened] = account.collect_events()
    assert opened.occurred_at == datetime(2023, 4, 1, 0, 0, tzinfo=JST)  # type: ignore[attr-defined]
    assert opened.occurred_at.utcoffset() == timedelta(hours=9)  # type: ignore[attr-defined]
    assert account.owner_since == datetime(2023, 4, 1, 0, 0, tzinfo=JST)


def test_開始日がなければ今から() -> None:
    account = Account.open(田中課長, 今, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14)
    assert account.owner_since == 今


def test_開始日は今日まで() -> None:
    today = Account.open(田中課長, 今, name="株式会社山田製作所", owner_rep_id="sato",
                         visit_cadence_days=14, started_on=date(2026, 12, 1))
    assert today.owner_since == datetime(2026, 12, 1, 0, 0, tzinfo=JST)
    still_1_december_in_utc = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 2 Dec in Japan
    assert Account.open(田中課長, still_1_december_in_utc, name="株式会社山田製作所",
                        owner_rep_id="sato", visit_cadence_days=14,
                        started_on=date(2026, 12, 2)).owner_since is not None
    with pytest.raises(OccursInFuture) as future:
        Account.open(田中課長, 今, name="株式会社山田製作所", owner_rep_id="sato",
                     visit_cadence_days=14, started_on=date(2026, 12, 2))
    assert future.value.field == "started_on"
    with pytest.raises(OutOfRange) as ancient:
        Account.open(田中課長, 今, name="株式会社山田製作所", owner_rep_id="sato",
                     visit_cadence_days=14, started_on=date(1899, 12, 31))
    assert ancient.value.field == "started_on"


# ---------------------------------------------------------------------- back-dated steps


def test_引き継ぎは起きた日時で記録される() -> None:
    account = 山田製作所()
    handover = 引き継ぎ済み(account)
    events = account.collect_events()
    assert [e.occurred_at for e in events] == [  # type: ignore[attr-defined]
        引き継ぎ開始, 引き継ぎ開始 + timedelta(days=3), 引き継ぎ開始 + timedelta(days=10),
        引き継ぎ開始 + timedelta(days=10), 引き継ぎ開始 + timedelta(days=11), 引き継ぎ完了]
    assert account.owner_rep_id == "suzuki"
    assert account.owner_since == 引き継ぎ完了
    assert account.handovers[handover].last_step_at == 引き継ぎ完了


def test_日時がなければ今() -> None:
    account = 山田製作所()
    handover = account.initiate_handover(田中課長, 今, to_rep_id="suzuki", reason="異動",
                                         effective_at=今)
    account.complete_handover(鈴木さん, 今, handover_id=handover)
    assert [e.occurred_at for e in account.collect_events()] == [今, 今]  # type: ignore[attr-defined]


def test_引き継ぎの手順は未来に記録できない() -> None:
    account = 山田製作所()
    refused = refuses(account, OccursInFuture, account.initiate_handover, actor=田中課長,
                      now=今, to_rep_id="suzuki", reason="異動", effective_at=今,
                      occurred_at=今 + timedelta(hours=1))
    assert refused.field == "occurred_at"  # type: ignore[attr-defined]
    handover = 引き継ぎ中(account)
    account.collect_events()
    for command, actor, extra in (
        (account.acknowledge_dossier, 鈴木さん, {}),
        (account.record_joint_visit, 佐藤さん, {}),
        (account.record_customer_informed, 佐藤さん, {}),
        (account.schedule_checkpoint, 田中課長, {"checkpoint_on": date(2027, 3, 1)}),
        (account.complete_handover, 鈴木さん, {}),
        (account.cancel_handover, 田中課長, {"reason": "延期"}),
    ):
        refused = refuses(account, OccursInFuture, command, actor=actor, now=今,
                          handover_id=handover, occurred_at=今 + timedelta(days=1), **extra)
        assert refused.field == "occurred_at"  # type: ignore[attr-defined]


def test_引き継ぎの手順は始まる前にも_それまでの手順より前の完了にもできない() -> None:
    """Steps between start and end come in any order (a joint visit made yesterday is
    recorded after today's acknowledgement), never before the start; completing, cancelling
    and holding the review come after every step recorded so far."""
    account = 山田製作所()
    handover = 引き継ぎ中(account)
    account.record_joint_visit(佐藤さん, 今, handover_id=handover,
                               occurred_at=引き継ぎ開始 + timedelta(days=10))
    account.collect_events()
    before_start = 引き継ぎ開始 - timedelta(hours=1)
    for command, actor, extra in (
        (account.acknowledge_dossier, 鈴木さん, {}),
        (account.record_joint_visit, 佐藤さん, {}),
        (account.record_customer_informed, 佐藤さん, {}),
        (account.schedule_checkpoint, 田中課長, {"checkpoint_on": date(2026, 1, 5)}),
    ):
        refused = refuses(account, OutOfOrder, command, actor=actor, now=今,
                          handover_id=handover, occurred_at=before_start, **extra)
        assert refused.field == "occurred_at"  # type: ignore[attr-defined]
        assert "this handover began" in str(refused)
    earlier = 引き継ぎ開始 + timedelta(days=9)
    for command, actor, extra in (
        (account.complete_handover, 鈴木さん, {}),
        (account.cancel_handover, 田中課長, {"reason": "延期"}),
    ):
        refused = refuses(account, OutOfOrder, command, actor=actor, now=今,
                          handover_id=handover, occurred_at=earlier, **extra)
        assert refused.field == "occurred_at"  # type: ignore[attr-defined]
        assert "latest step" in str(refused)
    account.record_customer_informed(佐藤さん, 今, handover_id=handover, occurred_at=earlier)
    account.acknowledge_dossier(鈴木さん, 今, handover_id=handover, occurred_at=earlier)
    account.complete_handover(鈴木さん, 今, handover_id=handover,  # the latest step's instant
                              occurred_at=引き継ぎ開始 + timedelta(days=10))


def test_引き継ぎは今の担当者の担当期間より前に始められない() -> None:
    account = 山田製作所()
    refused = refuses(account, OutOfOrder, account.initiate_handover, actor=田中課長, now=今,
                      to_rep_id="suzuki", reason="異動", effective_at=今,
                      occurred_at=datetime(2023, 3, 31, 23, 0, tzinfo=JST))
    assert refused.field == "occurred_at"  # type: ignore[attr-defined]
    assert "sato's tenure began" in str(refused)

    引き継ぎ済み(account)
    account.collect_events()
    refused = refuses(account, OutOfOrder, account.initiate_handover, actor=田中課長, now=今,
                      to_rep_id="sato", reason="再異動", effective_at=今,
                      occurred_at=引き継ぎ完了 - timedelta(minutes=1))
    assert "suzuki's tenure began" in str(refused)
    account.initiate_handover(田中課長, 今, to_rep_id="sato", reason="再異動", effective_at=今,
                              occurred_at=引き継ぎ完了)


def test_中止した引き継ぎと重ならない() -> None:
    account = 山田製作所()
    cancelled = 引き継ぎ中(account)
    account.cancel_handover(田中課長, 今, handover_id=cancelled, reason="異動が延期",
                            occurred_at=引き継ぎ開始 + timedelta(days=20))
    account.collect_events()
    refused = refuses(account, OutOfOrder, account.initiate_handover, actor=田中課長, now=今,
                      to_rep_id="suzuki", reason="異動", effective_at=今,
                      occurred_at=引き継ぎ開始 + timedelta(days=19))
    assert "cancelled" in str(refused)
    account.initiate_handover(田中課長, 今, to_rep_id="suzuki", reason="異動", effective_at=今,
                              occurred_at=引き継ぎ開始 + timedelta(days=20))


# ---------------------------------------------------------------------- checkpoint held


def test_振り返りは引き継ぎ完了の後に実施を記録できる() -> None:
    account = 山田製作所()
    handover = 引き継ぎ済み(account)
    account.collect_events()
    account.record_checkpoint_held(鈴木さん, 今, handover_id=handover,
                                   occurred_at=datetime(2026, 1, 5, 15, 0, tzinfo=JST),
                                   note="田中課長と振り返り。関係は良好")
    [held] = account.collect_events()
    assert isinstance(held, Account.HandoverCheckpointHeld)
    assert (held.handover_id, held.note) == (handover, "田中課長と振り返り。関係は良好")
    assert held.occurred_at == datetime(2026, 1, 5, 15, 0, tzinfo=JST)
    assert account.handovers[handover].checkpoint_pending is False
    assert account.owner_rep_id == "suzuki"


def test_振り返りの実施は一度だけ_予定がなければ記録できない() -> None:
    account = 山田製作所()
    handover = 引き継ぎ済み(account)
    account.record_checkpoint_held(田中課長, 今, handover_id=handover)
    account.collect_events()
    refuses(account, NoCheckpointPending, account.record_checkpoint_held, actor=田中課長,
            now=今, handover_id=handover)

    other = 山田製作所()
    unscheduled = 引き継ぎ中(other)
    other.collect_events()
    refuses(other, NoCheckpointPending, other.record_checkpoint_held, actor=田中課長, now=今,
            handover_id=unscheduled)


def test_振り返りの実施は予定と完了より前にできない() -> None:
    account = 山田製作所()
    handover = 引き継ぎ済み(account)
    account.collect_events()
    refused = refuses(account, OutOfOrder, account.record_checkpoint_held, actor=田中課長,
                      now=今, handover_id=handover, occurred_at=引き継ぎ完了 - timedelta(days=1))
    assert refused.field == "occurred_at"  # type: ignore[attr-defined]
    refuses(account, OccursInFuture, account.record_checkpoint_held, actor=田中課長, now=今,
            handover_id=handover, occurred_at=今 + timedelta(days=1))


def test_振り返りの実施は当事者と課長だけ_中止した引き継ぎにはない() -> None:
    account = 山田製作所()
    handover = 引き継ぎ中(account)
    account.schedule_checkpoint(田中課長, 今, handover_id=handover,
                                checkpoint_on=date(2026, 1, 5))
    account.collect_events()
    refuses(account, NotPermitted, account.record_checkpoint_held, actor=高橋さん, now=今,
            handover_id=handover)
    account.cancel_handover(田中課長, 今, handover_id=handover, reason="延期")
    account.collect_events()
    refuses(account, HandoverNotOpen, account.record_checkpoint_held, actor=田中課長, now=今,
            handover_id=handover)


# ---------------------------------------------------------------------- snapshots


def test_新しいスナップショットは担当開始と手順の日時を持ち帰る() -> None:
    account = 山田製作所()
    handover = 引き継ぎ済み(account)
    restored = Account.Snapshot.take(account).mutate(None)
    assert isinstance(restored, Account)
    assert restored.owner_since == 引き継ぎ完了
    assert restored.handovers[handover] == account.handovers[handover]


def older_release_snapshot() -> tuple[Tsunagi, StoredEvent]:
    rows = [json.loads(line) for line in (OLDER_RELEASE / "stored_events.jsonl")
            .read_text(encoding="utf-8").splitlines()]
    [row] = [r for r in rows if r["table"] == "snapshots"]
    app = Tsunagi(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    return app, StoredEvent(row["originator_id"], row["originator_version"], row["topic"],
                            row["state"].encode("utf-8"))


def test_以前のリリースのスナップショットも読めて_記録が続けられる() -> None:
    app, stored = older_release_snapshot()
    state: dict[str, Any] = json.loads(stored.state)["state"]
    assert "owner_since" not in state and "class_version" not in state  # truly of before
    account = app.mapper.to_domain_event(stored).mutate(None)
    assert isinstance(account, Account)
    assert account.owner_since is None  # unknown: not said by that release
    [cancelled] = account.handovers.values()
    assert cancelled == HandoverState(from_rep_id="sato", to_rep_id="suzuki",
                                      status="cancelled", acknowledged=False)
    assert (cancelled.last_step_at, cancelled.checkpoint_pending) == (None, None)

    # Unknown bounds are not guessed: a handover on it may begin on any past day…
    begun = datetime(2024, 1, 10, 9, 0, tzinfo=JST)
    handover = account.initiate_handover(田中課長, 今, to_rep_id="suzuki", reason="異動",
                                         effective_at=今, occurred_at=begun)
    account.collect_events()
    # …and from then on its steps are ordered and the new owner's tenure is known.
    refuses(account, OutOfOrder, account.complete_handover, actor=田中課長, now=今,
            handover_id=handover, occurred_at=begun - timedelta(days=1))
    account.complete_handover(田中課長, 今, handover_id=handover,
                              occurred_at=begun + timedelta(days=30))
    assert account.owner_since == begun + timedelta(days=30)
    snapshot_again = Account.Snapshot.take(account).mutate(None)
    assert snapshot_again.owner_since == begun + timedelta(days=30)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------- the views


def folded(view: Any, events: list[Any]) -> dict[str, Any]:
    document = None
    for event in events:
        document = view.evolve(document, event)
    assert document is not None
    return document


def test_引き継ぎ中に振り返った記録も各ビューに残り_警告が消える() -> None:
    account = Account.open(田中課長, 今, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14, started_on=始まり)
    handover = 引き継ぎ中(account)
    account.schedule_checkpoint(田中課長, 今, handover_id=handover,
                                checkpoint_on=date(2025, 9, 20), note="二週間後の確認",
                                occurred_at=引き継ぎ開始 + timedelta(days=1))
    scheduled = account.collect_events()
    assert "handover_checkpoint" in [w["code"] for w in
                                     health.warnings(folded(health, scheduled), 今)]
    account.record_checkpoint_held(佐藤さん, 今, handover_id=handover, note="問題なし",
                                   occurred_at=datetime(2025, 9, 20, 16, 0, tzinfo=JST))
    events = [*scheduled, *account.collect_events()]

    assert "handover_checkpoint" not in [w["code"] for w in
                                         health.warnings(folded(health, events), 今)]
    held_at = "2025-09-20T16:00:00+09:00"
    assert folded(relationship, events)["handover"]["steps"]["checkpoint_held"] == held_at
    document = folded(dossier, events)
    assert document["handover"]["steps"]["checkpoint_held"] == held_at
    [checkpoint] = document["checkpoints"]
    assert (checkpoint["held_at"], checkpoint["held_note"], checkpoint["held_by"]) == (
        held_at, "問題なし", "sato")
    assert str(events[-1].event_id) in checkpoint["event_ids"]


def test_引き継ぎを後から記録すると_その後の記録は後任の担当期間に入る() -> None:
    """鈴木さん has visited since 2025-10-01, recorded by 田中課長 while Tsunagi still named
    佐藤さん the owner; the handover itself is recorded in December, dated 2025-10-01 09:00."""
    account = Account.open(田中課長, 今, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14, started_on=始まり)
    sato_visits = [account.record_visit(佐藤さん, 今, occurred_at=when, purpose="定期訪問",
                                        summary="", small_talk=True)
                   for when in (datetime(2025, 9, 16, 14, 0, tzinfo=JST),
                                datetime(2025, 10, 1, 8, 0, tzinfo=JST))]  # that morning
    suzuki_visits = [account.record_visit(田中課長, 今, occurred_at=when, purpose="ご挨拶",
                                         summary="")
                     for when in (datetime(2025, 10, 1, 15, 0, tzinfo=JST),
                                  datetime(2025, 10, 15, 10, 0, tzinfo=JST),
                                  datetime(2025, 11, 12, 10, 0, tzinfo=JST))]
    account.make_promise(田中課長, 今, description="見積書を送る", due_date=date(2027, 1, 10),
                         made_to="山田部長", occurred_at=datetime(2025, 11, 12, 11, 0, tzinfo=JST))
    account.receive_complaint(田中課長, 今, received_at=datetime(2025, 11, 20, 9, 0, tzinfo=JST),
                              subject="納品遅延", severity="high")
    引き継ぎ済み(account)
    events = account.collect_events()
    visit_ids = {e.visit_id: str(e.event_id) for e in events  # type: ignore[attr-defined]
                 if isinstance(e, Account.VisitRecorded)}
    evidence = folded(health, events)

    sato, suzuki = evidence["tenures"]
    assert (sato["to"], suzuki["from"]) == ("2025-10-01T09:00:00+09:00",) * 2
    assert [v["event_id"] for v in sato["recent_visits"]] == [visit_ids[v] for v in sato_visits]
    assert [v["event_id"] for v in suzuki["recent_visits"]] == [
        visit_ids[v] for v in suzuki_visits]
    assert {day: len(day_visits(codes)) for day, codes in sato["visit_days"].items()} == {
        "2025-09-16": 1, "2025-10-01": 1}
    assert {day: len(day_visits(codes)) for day, codes in suzuki["visit_days"].items()} == {
        "2025-10-01": 1, "2025-10-15": 1, "2025-11-12": 1}
    assert day_visits(suzuki["visit_days"]["2025-10-01"]) == [
        Visit("in_person", False, 0)], "his own visit"
    assert (len(sato["open_promises"]), len(suzuki["open_promises"])) == (0, 1)
    assert (len(sato["open_complaints"]), len(suzuki["open_complaints"])) == (0, 1)
    frozen = {c["name"]: c for c in sato["frozen"]["components"]}
    assert set(frozen["warmth"]["event_ids"]) == {visit_ids[v] for v in sato_visits}
    report = health.health_report(evidence, 今)
    live = {c["name"]: c for c in report["tenures"][1]["health"]["components"]}
    assert set(live["cadence"]["event_ids"]) == {visit_ids[v] for v in suzuki_visits}
    assert live["complaints"]["evidence_count"] >= 1


def _秋の山田製作所(completion_recorded_late: bool) -> list[Any]:
    """佐藤さn's last weeks and 鈴木さん's first two months at 株式会社山田製作所, handed over on
    2025-10-01 09:00. Recorded in time, the completion comes before 鈴木さん's records; recorded
    late, 田中課長 records what 鈴木さん did first (Tsunagi still names 佐藤さん the owner), then
    the handover, dated when it happened."""
    account = Account.open(田中課長, 今, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14, started_on=始まり)
    at = lambda month, day, hour=10: datetime(2025, month, day, hour, 0, tzinfo=JST)  # noqa: E731
    for day in (2, 16):
        account.record_visit(佐藤さん, 今, occurred_at=at(9, day), purpose="定期訪問", summary="",
                             small_talk=True)
    sample = account.make_promise(佐藤さん, 今, description="サンプルを届ける", made_to="山田部長",
                                  due_date=date(2025, 10, 10), occurred_at=at(9, 20))
    catalogue = account.make_promise(佐藤さん, 今, description="カタログを送る", made_to="木村課長",
                                     due_date=date(2025, 10, 3), occurred_at=at(9, 22))
    complaint = account.receive_complaint(佐藤さん, 今, received_at=at(9, 28), subject="納品遅れ",
                                          severity="high")
    account.acknowledge_complaint(佐藤さん, 今, complaint_id=complaint, occurred_at=at(9, 28, 12))
    request = account.receive_request(佐藤さん, 今, kind="rush_delivery",
                                      detail="来月分を1週間前倒ししたい", occurred_at=at(9, 29))
    if not completion_recorded_late:
        引き継ぎ済み(account)
    suzuki = 田中課長 if completion_recorded_late else 鈴木さん
    account.answer_request(suzuki, 今, request_id=request, answer="accepted",
                           concession="今回限り前倒し", occurred_at=at(10, 2))
    account.resolve_complaint(suzuki, 今, complaint_id=complaint, resolved_at=at(10, 3),
                              resolution="代替品を納品")
    # The handover's own afternoon: 鈴木さん's from the start, whenever it was recorded.
    packing = account.receive_complaint(suzuki, 今, received_at=at(10, 1, 15),
                                        subject="梱包不良", severity="low")
    account.resolve_complaint(suzuki, 今, complaint_id=packing, resolved_at=at(10, 20),
                              resolution="梱包を改善")
    samples = account.receive_request(suzuki, 今, kind="special_handling",
                                      detail="見本を追加で", occurred_at=at(10, 1, 16))
    account.answer_request(suzuki, 今, request_id=samples, answer="declined",
                           occurred_at=at(10, 10))
    account.close_promise(suzuki, 今, promise_id=sample, outcome="kept", occurred_at=at(10, 9))
    account.close_promise(suzuki, 今, promise_id=catalogue, outcome="kept",
                          occurred_at=at(10, 8))  # five days late: the predecessor's, no one's
    for month, day in ((10, 15), (10, 29), (11, 12), (11, 26)):
        account.record_visit(suzuki, 今, occurred_at=at(month, day), purpose="定期訪問",
                             summary="", small_talk=True)
    own = account.make_promise(suzuki, 今, description="見積書を送る", made_to="山田部長",
                               due_date=date(2025, 10, 20), occurred_at=at(10, 15))
    account.close_promise(suzuki, 今, promise_id=own, outcome="kept", occurred_at=at(10, 22))
    if completion_recorded_late:
        引き継ぎ済み(account)
    return account.collect_events()


def _scored(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"score": t["health"]["score"], "components": {
        c["name"]: (c["raw_score"], c["evidence_count"])
        for c in t["health"]["components"]}} for t in report["tenures"]]


def test_引き継ぎの完了を後から記録しても_期限どおり記録した時と同じ点になる() -> None:
    """What 鈴木さん closed after the handover — 佐藤さん's promise kept on its day (his
    credit), one kept late (no one's), the complaint and the rush-delivery request he took
    over (each split at the handover) — scores the same whether 田中課長 recorded the
    completion in time or two months late."""
    in_time = folded(health, _秋の山田製作所(completion_recorded_late=False))
    late = folded(health, _秋の山田製作所(completion_recorded_late=True))
    judged = datetime(2025, 12, 1, 18, 0, tzinfo=JST)

    assert _scored(health.health_report(late, judged)) == _scored(
        health.health_report(in_time, judged))
    sato, suzuki = late["tenures"]
    assert [(p["outcome"], p["inherited"], p["scored"]) for p in suzuki["closed_promises"]
            ] == [("kept", True, True), ("kept", True, False), ("kept", False, True)]
    assert not sato["closed_promises"] and not sato["promise_days"]
    assert [r["inherited"] for r in suzuki["answered_requests"]] == [True, False]
    assert [r["answered_at"] for r in sato["answered_requests"]] == [None], "open at handover"
    assert sorted(c.get("inherited", False) for c in suzuki["closed_complaints"]) == [
        False, True], "the afternoon's complaint is his own"
    assert [c.get("inherited", False) for c in sato["closed_complaints"]] == [False]
