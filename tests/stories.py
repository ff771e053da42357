"""Stories shared by several tests: an account that has lived through every kind of event."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.account import Account
from domain.corrections import CorrectionTarget
from tests.conftest import JST, 佐藤さん, 田中課長, 鈴木さん

EVERY_KIND = [
    "Opened", "VisitCadenceAgreed", "VisitRecorded", "PromiseMade", "PromiseRenegotiated",
    "PromiseKept", "PromiseBroken", "PromiseCancelled", "ComplaintReceived",
    "ComplaintAcknowledged", "ComplaintApologised", "ComplaintRemedyProposed",
    "ComplaintResolved", "CustomerRequestReceived", "CustomerRequestAnswered", "ProposalGiven",
    "ProposalReactionRecorded", "ContractRenewed", "StakeholderAdded", "StakeholderChanged",
    "StakeholderLeft", "NoteAdded", "HandoverInitiated", "HandoverDossierAcknowledged",
    "HandoverJointVisitMade", "HandoverCustomerInformed", "HandoverCheckpointScheduled",
    "HandoverCompleted", "HandoverCheckpointHeld", "RecordCorrected",
]


def 山田製作所の三年間(start: datetime = datetime(2023, 11, 1, 9, 0, tzinfo=JST)) -> Account:
    """株式会社山田製作所, 佐藤さん → 鈴木さん, with one event of every kind. Nothing collected."""
    day = start
    account = Account.open(田中課長, day, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14)
    account.agree_visit_cadence(佐藤さん, day, visit_cadence_days=21)
    day += timedelta(days=7)
    account.record_visit(佐藤さん, day, occurred_at=day - timedelta(hours=2),
                         planned_at=day - timedelta(hours=2, minutes=15), purpose="定期訪問",
                         summary="新ラインの件。「例の件」は山田部長の口癖。",
                         attendees=["山田 一郎 部長"], small_talk=True,
                         next_action="カタログ送付")
    kept = account.make_promise(佐藤さん, day, description="カタログを送る",
                                due_date=date(2023, 11, 15), made_to="山田部長")
    account.renegotiate_promise(佐藤さん, day, promise_id=kept, new_due_date=date(2023, 11, 20))
    account.close_promise(佐藤さん, day, promise_id=kept, outcome="kept")
    broken = account.make_promise(佐藤さん, day, description="サンプル持参",
                                  due_date=date(2023, 11, 10), made_to="中村さん")
    account.close_promise(佐藤さん, day, promise_id=broken, outcome="broken", note="在庫切れ")
    cancelled = account.make_promise(佐藤さん, day, description="工場見学",
                                     due_date=date(2024, 1, 10), made_to="山田部長")
    account.close_promise(佐藤さん, day, promise_id=cancelled, outcome="cancelled")
    day += timedelta(days=100)
    complaint = account.receive_complaint(佐藤さん, day, received_at=day - timedelta(hours=5),
                                          subject="納品遅延", detail="2日遅れ", severity="high")
    account.acknowledge_complaint(佐藤さん, day, complaint_id=complaint)
    account.apologise_for_complaint(佐藤さん, day, complaint_id=complaint, note="訪問して謝罪")
    account.propose_remedy(佐藤さん, day, complaint_id=complaint, remedy="在庫2週間分を確保")
    account.resolve_complaint(佐藤さん, day, complaint_id=complaint, resolved_at=day,
                              resolution="合意", concession="次回3%値引き")
    request = account.receive_request(佐藤さん, day, kind="discount", detail="単価5%下げて")
    account.answer_request(佐藤さん, day, request_id=request, answer="partly",
                           concession="値下げ 3% を了承")
    proposal = account.give_proposal(佐藤さん, day, title="省エネ型への更新", kind="proposal")
    account.record_reaction(佐藤さん, day, proposal_id=proposal, reaction="positive")
    account.renew_contract(佐藤さん, day, renewed_at=day, contract_end=date(2025, 3, 31),
                           terms="年間保守", annual_value_jpy=4_800_000)
    yamada = account.add_stakeholder(佐藤さん, day, name="山田 一郎", title="購買部長",
                                     decision_power=True, stance="supportive")
    account.change_stakeholder(佐藤さん, day, stakeholder_id=yamada, title="取締役")
    account.stakeholder_left(佐藤さん, day, stakeholder_id=yamada, reason="本社へ異動")
    account.add_note(佐藤さん, day, text="月末は訪問を避ける", kind="fact", topic="caution")
    day += timedelta(days=700)
    handover = account.initiate_handover(田中課長, day, to_rep_id="suzuki", reason="異動",
                                         effective_at=day + timedelta(days=30))
    account.acknowledge_dossier(鈴木さん, day, handover_id=handover)
    account.record_joint_visit(佐藤さん, day, handover_id=handover, occurred_at=day)
    account.record_customer_informed(佐藤さん, day, handover_id=handover, occurred_at=day)
    account.schedule_checkpoint(田中課長, day, handover_id=handover,
                                checkpoint_on=(day + timedelta(days=90)).date())
    account.complete_handover(鈴木さん, day, handover_id=handover)
    account.record_checkpoint_held(田中課長, day, handover_id=handover, note="振り返り済み")
    made = next(e for e in account.pending_events if isinstance(e, Account.PromiseMade))
    account.correct(鈴木さん, day, target=CorrectionTarget(made.event_id, made.originator_version,
                                                         "PromiseMade", dict(vars(made))),
                    corrections={"due_date": date(2023, 11, 16), "made_to": "山田 一郎 部長"},
                    reason="佐藤さんのメモと照合して訂正")
    return account
