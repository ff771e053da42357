"""株式会社山田製作所: three years of one account, told event by event."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.account import Account
from tests.conftest import JST, 佐藤さん, 田中課長, 鈴木さん

開設日 = datetime(2024, 4, 1, 9, 0, tzinfo=JST)


def kinds(account: Account) -> list[str]:
    return [type(event).__name__ for event in account.collect_events()]


def 山田製作所(now: datetime = 開設日) -> Account:
    account = Account.open(田中課長, now, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14)
    assert kinds(account) == ["Opened"]
    return account


def test_田中課長が取引先を開設し佐藤さんが担当する() -> None:
    account = Account.open(田中課長, 開設日, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14)
    (opened,) = account.collect_events()
    assert isinstance(opened, Account.Opened)
    assert opened.name == "株式会社山田製作所"
    assert opened.recorded_by == "tanaka"
    assert opened.occurred_at == 開設日
    assert account.owner_rep_id == "sato"
    assert account.visit_cadence_days == 14
    assert account.version == 1


def test_佐藤さんが昨日の訪問を今日記録する() -> None:
    account = 山田製作所()
    now = 開設日 + timedelta(days=8)
    yesterday = now - timedelta(days=1)
    visit_id = account.record_visit(
        佐藤さん, now,
        occurred_at=yesterday,
        planned_at=yesterday - timedelta(minutes=10),
        purpose="定期訪問",
        summary="新ラインの立ち上げで忙しそう。雑談はゴルフの話。",
        attendees=["山田 一郎 部長", "購買課 中村さん"],
        small_talk=True,
        next_action="来週までに部品カタログを送る",
    )
    (visit,) = account.collect_events()
    assert isinstance(visit, Account.VisitRecorded)
    assert visit.visit_id == visit_id
    assert visit.occurred_at == yesterday
    assert visit.timestamp > yesterday.astimezone(visit.timestamp.tzinfo)  # recorded later
    assert visit.minutes_late == 10
    assert visit.small_talk is True
    assert visit.attendees == ["山田 一郎 部長", "購買課 中村さん"]
    assert visit.recorded_by == "sato"
    assert visit.channel == "in_person"


def test_約束は期日を変えて守られる() -> None:
    account = 山田製作所()
    now = 開設日 + timedelta(days=1)
    promise_id = account.make_promise(佐藤さん, now, description="見積書を金曜までに送る",
                                      due_date=date(2024, 4, 5), made_to="山田部長")
    account.renegotiate_promise(佐藤さん, now, promise_id=promise_id,
                                new_due_date=date(2024, 4, 9), note="先方の都合で翌週に")
    account.close_promise(佐藤さん, now + timedelta(days=6), promise_id=promise_id,
                          outcome="kept", note="メールで送付済み")
    assert kinds(account) == ["PromiseMade", "PromiseRenegotiated", "PromiseKept"]
    assert account.promises[promise_id].status == "kept"
    assert account.promises[promise_id].due_date == date(2024, 4, 9)


def test_約束は破られることも取り消されることもある() -> None:
    account = 山田製作所()
    now = 開設日 + timedelta(days=1)
    broken = account.make_promise(佐藤さん, now, description="サンプルを持参",
                                  due_date=date(2024, 4, 3), made_to="中村さん")
    cancelled = account.make_promise(佐藤さん, now, description="工場見学の手配",
                                     due_date=date(2024, 5, 1), made_to="山田部長")
    account.close_promise(佐藤さん, now, promise_id=broken, outcome="broken", note="在庫切れ")
    account.close_promise(佐藤さん, now, promise_id=cancelled, outcome="cancelled")
    assert kinds(account)[-2:] == ["PromiseBroken", "PromiseCancelled"]


def test_クレームは受付から解決まで段階を踏む() -> None:
    account = 山田製作所()
    received = 開設日 + timedelta(days=30)
    complaint_id = account.receive_complaint(
        佐藤さん, received + timedelta(hours=1), received_at=received,
        subject="納品遅延", detail="4月の部品が2日遅れた", severity="high",
    )
    account.acknowledge_complaint(佐藤さん, received + timedelta(hours=2),
                                  complaint_id=complaint_id, note="電話で受付")
    account.apologise_for_complaint(佐藤さん, received + timedelta(days=1),
                                    complaint_id=complaint_id, note="課長と訪問して謝罪")
    account.propose_remedy(佐藤さん, received + timedelta(days=1), complaint_id=complaint_id,
                           remedy="今後は在庫を2週間分確保する")
    account.resolve_complaint(佐藤さん, received + timedelta(days=3), complaint_id=complaint_id,
                              resolved_at=received + timedelta(days=3),
                              resolution="再発防止策で合意", concession="次回納品分を3%値引き")
    assert kinds(account) == [
        "ComplaintReceived", "ComplaintAcknowledged", "ComplaintApologised",
        "ComplaintRemedyProposed", "ComplaintResolved",
    ]
    assert account.complaints[complaint_id].resolved


def test_値下げの要望に一部応じた譲歩は前例として残る() -> None:
    account = 山田製作所()
    now = 開設日 + timedelta(days=60)
    request_id = account.receive_request(佐藤さん, now, kind="discount",
                                         detail="来期の単価を5%下げてほしい")
    account.answer_request(佐藤さん, now, request_id=request_id, answer="partly",
                           concession="値下げ 3% を了承", note="課長決裁")
    received, answered = account.collect_events()
    assert isinstance(answered, Account.CustomerRequestAnswered)
    assert received.kind == "discount"  # type: ignore[attr-defined]
    assert answered.answer == "partly"
    assert answered.concession == "値下げ 3% を了承"


def test_提案と先方の反応() -> None:
    account = 山田製作所()
    now = 開設日 + timedelta(days=90)
    proposal_id = account.give_proposal(佐藤さん, now, title="省エネ型コンプレッサーへの更新",
                                        detail="電気代が年間12%下がる試算", kind="proposal")
    account.record_reaction(佐藤さん, now, proposal_id=proposal_id, reaction="positive",
                            note="来期予算で検討")
    assert kinds(account) == ["ProposalGiven", "ProposalReactionRecorded"]


def test_契約更新() -> None:
    account = 山田製作所()
    renewed = 開設日 + timedelta(days=365)
    account.renew_contract(佐藤さん, renewed, renewed_at=renewed, contract_end=date(2026, 3, 31),
                           terms="年間保守契約・月次点検", annual_value_jpy=4_800_000)
    (renewal,) = account.collect_events()
    assert isinstance(renewal, Account.ContractRenewed)
    assert renewal.annual_value_jpy == 4_800_000
    assert renewal.contract_end == date(2026, 3, 31)


def test_先方担当者の異動() -> None:
    account = 山田製作所()
    now = 開設日 + timedelta(days=10)
    yamada = account.add_stakeholder(佐藤さん, now, name="山田 一郎", title="購買部長",
                                     decision_power=True, stance="supportive",
                                     note="朝一の電話を好む")
    account.change_stakeholder(佐藤さん, now, stakeholder_id=yamada, title="取締役",
                               stance="neutral")
    account.stakeholder_left(佐藤さん, now, stakeholder_id=yamada, reason="本社へ異動")
    assert kinds(account) == ["StakeholderAdded", "StakeholderChanged", "StakeholderLeft"]
    assert not account.stakeholders[yamada].active


def test_メモは事実か意見かを区別する() -> None:
    account = 山田製作所()
    now = 開設日 + timedelta(days=10)
    account.add_note(佐藤さん, now, text="月末は検収で忙しいので訪問は避ける", kind="fact",
                     topic="caution")
    account.add_note(佐藤さん, now, text="中村さんは価格より納期を重視していると思う",
                     kind="opinion")
    fact, opinion = account.collect_events()
    assert (fact.kind, fact.topic) == ("fact", "caution")  # type: ignore[attr-defined]
    assert (opinion.kind, opinion.topic) == ("opinion", "general")  # type: ignore[attr-defined]


def test_佐藤さんから鈴木さんへの引き継ぎ() -> None:
    account = 山田製作所()
    now = 開設日 + timedelta(days=900)
    handover_id = account.initiate_handover(田中課長, now, to_rep_id="suzuki",
                                            reason="佐藤さんの大阪支店への異動",
                                            effective_at=now + timedelta(days=30))
    assert account.may_read(鈴木さん)
    assert not account.may_record(鈴木さん)
    version_before = account.version
    account.acknowledge_dossier(鈴木さん, now + timedelta(days=1), handover_id=handover_id)
    account.record_joint_visit(佐藤さん, now + timedelta(days=5), handover_id=handover_id,
                               occurred_at=now + timedelta(days=5), note="同行訪問で山田部長に紹介")
    account.record_customer_informed(佐藤さん, now + timedelta(days=5), handover_id=handover_id,
                                     occurred_at=now + timedelta(days=5))
    account.schedule_checkpoint(田中課長, now + timedelta(days=6), handover_id=handover_id,
                                checkpoint_on=date(2026, 12, 1), note="90日後に振り返り")
    account.complete_handover(鈴木さん, now + timedelta(days=30), handover_id=handover_id)
    events = account.collect_events()
    assert [type(e).__name__ for e in events] == [
        "HandoverInitiated", "HandoverDossierAcknowledged", "HandoverJointVisitMade",
        "HandoverCustomerInformed", "HandoverCheckpointScheduled", "HandoverCompleted",
    ]
    acknowledged = events[1]
    assert acknowledged.dossier_version == version_before  # type: ignore[attr-defined]
    assert account.owner_rep_id == "suzuki"
    assert account.may_record(鈴木さん)
    assert not account.may_read(佐藤さん)


def test_引き継ぎは取り消せる() -> None:
    account = 山田製作所()
    handover_id = account.initiate_handover(田中課長, 開設日, to_rep_id="suzuki",
                                            reason="体制変更", effective_at=開設日)
    account.cancel_handover(田中課長, 開設日, handover_id=handover_id, reason="異動が延期")
    assert account.open_handover_id is None
    assert account.owner_rep_id == "sato"
    assert not account.may_read(鈴木さん)


def test_担当者が訪問頻度を見直す() -> None:
    account = 山田製作所()
    account.agree_visit_cadence(佐藤さん, 開設日, visit_cadence_days=7)
    assert kinds(account) == ["VisitCadenceAgreed"]
    assert account.visit_cadence_days == 7
