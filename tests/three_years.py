"""株式会社山田製作所, three years: 佐藤さん looks after it, then hands it to 鈴木さん.

Driven through the application with a clock, as the reps would have recorded it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from domain.application import Tsunagi
from tests.conftest import JST, Clock, 佐藤さん, 田中課長, 鈴木さん


def jst(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=JST)


@dataclass
class Story:
    account_id: UUID
    other_account_id: UUID
    handover_id: str
    other_handover_id: str
    ack_version: int
    catalogue_promise: str
    sample_promise: str
    inherited_promise: str
    quote_promise: str
    delivery_complaint: str
    open_complaint: str
    cooling_visit_ids: list[str] = field(default_factory=list)
    inherited_promise_event: UUID | None = None
    events: int = 0


def 三年間(store: Tsunagi, clock: Clock) -> Story:
    def at(when: datetime) -> datetime:
        clock.now = when + timedelta(minutes=30)
        return when

    at(jst(2023, 12, 1, 9))
    account = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                 visit_cadence_days=14).account_id
    store.add_stakeholder(佐藤さん, account, name="山田 一郎", title="購買部長",
                          decision_power=True, stance="supportive", note="朝一の電話を好む")
    store.add_stakeholder(佐藤さん, account, name="中村 真理", title="購買課",
                          stance="neutral")
    store.add_note(佐藤さん, account, text="月末は検収で忙しいので訪問は避ける", kind="fact",
                   topic="caution")
    store.add_note(佐藤さん, account, text="競合A社の話題は禁句", kind="fact", topic="taboo")
    store.add_note(佐藤さん, account, text="中村さんは価格より納期を重視していると思う",
                   kind="opinion", topic="preference")

    # 佐藤さん visits every two weeks for two years; the last visits turn cold.
    cooling: list[str] = []
    day = jst(2023, 12, 5, 10)
    visits = 0
    while day < jst(2025, 11, 25):
        cold = day >= jst(2025, 9, 20)
        late = 20 if cold and visits % 2 == 0 else 0
        at(day)
        visit = store.record_visit(
            佐藤さん, account, occurred_at=day, planned_at=day - timedelta(minutes=late),
            purpose="定期訪問", summary="特に問題なし" if not cold else "打ち合わせが形式的",
            attendees=["山田 一郎 部長"], small_talk=not cold)
        if cold:
            cooling.append(str(visit.event_id))
        visits += 1
        day += timedelta(days=14)

    at(jst(2024, 1, 10))
    catalogue = store.make_promise(佐藤さん, account, description="カタログを送る",
                                   due_date=date(2024, 1, 15), made_to="山田部長").item_id
    at(jst(2024, 1, 12))
    store.close_promise(佐藤さん, account, promise_id=catalogue, outcome="kept")
    at(jst(2024, 3, 1))
    sample = store.make_promise(佐藤さん, account, description="サンプルを持参する",
                                due_date=date(2024, 3, 5), made_to="中村さん").item_id
    at(jst(2024, 3, 6))
    store.close_promise(佐藤さん, account, promise_id=sample, outcome="broken", note="在庫切れ")
    at(jst(2024, 4, 1))
    store.renew_contract(佐藤さん, account, renewed_at=jst(2024, 4, 1),
                         contract_end=date(2025, 3, 31), terms="年間保守・月次点検",
                         annual_value_jpy=4_800_000)
    at(jst(2024, 4, 2))
    discount = store.receive_request(佐藤さん, account, kind="discount",
                                     detail="来期の単価を5%下げてほしい").item_id
    at(jst(2024, 4, 10))
    store.answer_request(佐藤さん, account, request_id=discount, answer="partly",
                         concession="値下げ 3% を了承", note="課長決裁")
    at(jst(2024, 6, 10, 10))
    complaint = store.receive_complaint(佐藤さん, account, received_at=jst(2024, 6, 10, 10),
                                        subject="納品遅延", detail="6月分が2日遅れた",
                                        severity="high").item_id
    at(jst(2024, 6, 10, 11))
    store.acknowledge_complaint(佐藤さん, account, complaint_id=complaint, note="電話で受付")
    at(jst(2024, 6, 11))
    store.apologise_for_complaint(佐藤さん, account, complaint_id=complaint,
                                  note="課長と訪問して謝罪")
    store.propose_remedy(佐藤さん, account, complaint_id=complaint,
                         remedy="在庫を2週間分確保する")
    at(jst(2024, 6, 13))
    store.resolve_complaint(佐藤さん, account, complaint_id=complaint,
                            resolved_at=jst(2024, 6, 13), resolution="再発防止策で合意",
                            concession="次回納品分を3%値引き")
    at(jst(2024, 9, 3))
    proposal = store.give_proposal(佐藤さん, account, title="省エネ型コンプレッサーへの更新",
                                   detail="電気代が年12%下がる試算").item_id
    at(jst(2024, 9, 20))
    store.record_reaction(佐藤さん, account, proposal_id=proposal, reaction="positive",
                          note="来期予算で検討")
    at(jst(2025, 4, 1))
    store.renew_contract(佐藤さん, account, renewed_at=jst(2025, 4, 1),
                         contract_end=date(2026, 3, 31), terms="年間保守・月次点検",
                         annual_value_jpy=5_040_000)
    at(jst(2025, 10, 1))
    inherited = store.make_promise(佐藤さん, account, description="年末の在庫を確保する",
                                   due_date=date(2026, 1, 20), made_to="中村さん")
    at(jst(2025, 10, 2))
    store.make_promise(佐藤さん, account, description="工場見学の手配",
                       due_date=date(2025, 10, 20), made_to="山田部長")

    # A second account, mid-handover to 鈴木さん at the end of the story.
    at(jst(2024, 2, 1))
    other = store.open_account(田中課長, name="株式会社田中商店", owner_rep_id="sato",
                               visit_cadence_days=30).account_id

    # The handover (引き継ぎ).
    at(jst(2025, 12, 1))
    handover = store.initiate_handover(田中課長, account, to_rep_id="suzuki",
                                       reason="佐藤さんの大阪支店への異動",
                                       effective_at=jst(2026, 1, 5)).item_id
    at(jst(2025, 12, 3))
    acknowledged = store.acknowledge_dossier(鈴木さん, account, handover_id=handover)
    at(jst(2025, 12, 10))
    store.record_joint_visit(佐藤さん, account, handover_id=handover,
                             occurred_at=jst(2025, 12, 10), note="同行訪問で山田部長に紹介")
    store.record_customer_informed(佐藤さん, account, handover_id=handover,
                                   occurred_at=jst(2025, 12, 10))
    store.schedule_checkpoint(田中課長, account, handover_id=handover,
                              checkpoint_on=date(2026, 4, 1), note="90日後の振り返り")
    at(jst(2026, 1, 5))
    store.complete_handover(鈴木さん, account, handover_id=handover)

    # 鈴木さん's first year.
    at(jst(2026, 1, 18))
    store.close_promise(鈴木さん, account, promise_id=inherited.item_id, outcome="kept",
                        note="前任の約束を引き継いで対応")
    made = next(e for e in store.events.get(account)
                if getattr(e, "promise_id", None) == inherited.item_id)
    store.correct_record(鈴木さん, account, corrected_event_id=made.event_id,  # type: ignore[attr-defined]
                         corrected_version=made.originator_version,
                         corrections={"made_to": "中村 真理 様"}, reason="宛先の正式名称に訂正")
    day = jst(2026, 1, 8, 14)
    while day < jst(2026, 11, 20):
        at(day)
        store.record_visit(鈴木さん, account, occurred_at=day, purpose="定期訪問",
                           summary="雑談も増えてきた", attendees=["山田 一郎 部長", "中村 真理"],
                           small_talk=True)
        day += timedelta(days=14)
    at(jst(2026, 2, 2, 9))
    second = store.receive_complaint(鈴木さん, account, received_at=jst(2026, 2, 2, 9),
                                     subject="請求書の誤り", severity="low").item_id
    at(jst(2026, 2, 2, 11))
    store.acknowledge_complaint(鈴木さん, account, complaint_id=second)
    at(jst(2026, 2, 4, 9))
    store.resolve_complaint(鈴木さん, account, complaint_id=second,
                            resolved_at=jst(2026, 2, 4, 9), resolution="再発行")
    at(jst(2026, 3, 25))
    store.renew_contract(鈴木さん, account, renewed_at=jst(2026, 3, 25),
                         contract_end=date(2027, 3, 31), terms="年間保守・月次点検",
                         annual_value_jpy=5_040_000)
    at(jst(2026, 11, 16))
    quote = store.make_promise(鈴木さん, account, description="見積りを再提出する",
                               due_date=date(2026, 11, 25), made_to="中村さん").item_id
    at(jst(2026, 11, 18, 15))
    still_open = store.receive_complaint(鈴木さん, account, received_at=jst(2026, 11, 18, 15),
                                         subject="部品の色違い", severity="medium").item_id
    at(jst(2026, 11, 18, 16))
    store.acknowledge_complaint(鈴木さん, account, complaint_id=still_open)

    at(jst(2026, 11, 17))
    other_handover = store.initiate_handover(田中課長, other, to_rep_id="suzuki",
                                             reason="担当替え",
                                             effective_at=jst(2026, 12, 1)).item_id
    clock.now = jst(2026, 11, 20, 10)
    return Story(
        account_id=account, other_account_id=other, handover_id=handover,
        other_handover_id=other_handover, ack_version=acknowledged.version,
        catalogue_promise=catalogue, sample_promise=sample, inherited_promise=inherited.item_id,
        quote_promise=quote, delivery_complaint=complaint, open_complaint=still_open,
        cooling_visit_ids=cooling, inherited_promise_event=made.event_id,  # type: ignore[attr-defined]
        events=store.recorder.max_notification_id() or 0,
    )
