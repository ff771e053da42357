"""What the account refuses, each as a named error, and that a refusal records nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import uuid4

import pytest

from domain.account import Account
from domain.corrections import CorrectionTarget
from domain.errors import (
    ComplaintAlreadyResolved,
    HandoverInProgress,
    HandoverNotOpen,
    InvalidValue,
    ItemNotFound,
    NotCorrectable,
    NotPermitted,
    OccursInFuture,
    OutOfOrder,
    PromiseAlreadyClosed,
    RequestAlreadyAnswered,
    StakeholderAlreadyLeft,
)
from domain.values import LONG_TEXT, SHORT_TEXT
from tests.conftest import JST, 佐藤さん, 田中課長, 監査の伊藤さん, 鈴木さん, 高橋さん

今 = datetime(2026, 11, 20, 10, 0, tzinfo=JST)


@pytest.fixture
def account() -> Account:
    account = Account.open(田中課長, 今 - timedelta(days=400), name="株式会社山田製作所",
                           owner_rep_id="sato", visit_cadence_days=14)
    account.collect_events()
    return account


def refuses(
    account: Account, error: type[Exception], command: object, **kwargs: object
) -> Exception:
    """Run a command that must fail, and check it left nothing pending."""
    version = account.version
    with pytest.raises(error) as raised:
        command(**kwargs)  # type: ignore[operator]
    assert account.collect_events() == []
    assert account.version == version
    return raised.value


def visit(**overrides: object) -> dict[str, object]:
    usual = {"occurred_at": 今 - timedelta(hours=3), "purpose": "定期訪問", "summary": "特になし"}
    return usual | overrides


def test_約束は二度閉じられない(account: Account) -> None:
    promise_id = account.make_promise(佐藤さん, 今, description="カタログ送付",
                                      due_date=date(2026, 11, 25), made_to="中村さん")
    account.close_promise(佐藤さん, 今, promise_id=promise_id, outcome="kept")
    account.collect_events()
    for outcome in ("kept", "broken", "cancelled"):
        refuses(account, PromiseAlreadyClosed, account.close_promise, actor=佐藤さん, now=今,
                promise_id=promise_id, outcome=outcome)
    refuses(account, PromiseAlreadyClosed, account.renegotiate_promise, actor=佐藤さん, now=今,
            promise_id=promise_id, new_due_date=date(2026, 12, 1))


def test_存在しない約束は閉じられない(account: Account) -> None:
    error = refuses(account, ItemNotFound, account.close_promise, actor=佐藤さん, now=今,
                    promise_id="nope", outcome="kept")
    assert error.field == "promise_id"  # type: ignore[attr-defined]


def test_約束の結果は決まった値だけ(account: Account) -> None:
    promise_id = account.make_promise(佐藤さん, 今, description="カタログ送付",
                                      due_date=date(2026, 11, 25), made_to="中村さん")
    account.collect_events()
    error = refuses(account, InvalidValue, account.close_promise, actor=佐藤さん, now=今,
                    promise_id=promise_id, outcome="forgotten")
    assert error.field == "outcome"  # type: ignore[attr-defined]


def test_クレームは受付より前に解決できない(account: Account) -> None:
    received = 今 - timedelta(days=2)
    complaint_id = account.receive_complaint(佐藤さん, 今, received_at=received,
                                             subject="請求書の誤り")
    account.collect_events()
    error = refuses(account, OutOfOrder, account.resolve_complaint, actor=佐藤さん, now=今,
                    complaint_id=complaint_id, resolved_at=received - timedelta(minutes=1),
                    resolution="再発行")
    assert error.field == "resolved_at"  # type: ignore[attr-defined]
    refuses(account, OutOfOrder, account.acknowledge_complaint, actor=佐藤さん, now=今,
            complaint_id=complaint_id, occurred_at=received - timedelta(hours=1))


def test_解決済みのクレームにはもう手を加えない(account: Account) -> None:
    complaint_id = account.receive_complaint(佐藤さん, 今, received_at=今 - timedelta(days=1),
                                             subject="請求書の誤り")
    account.resolve_complaint(佐藤さん, 今, complaint_id=complaint_id, resolved_at=今,
                              resolution="再発行")
    account.collect_events()
    refuses(account, ComplaintAlreadyResolved, account.resolve_complaint, actor=佐藤さん, now=今,
            complaint_id=complaint_id, resolved_at=今, resolution="再々発行")
    refuses(account, ComplaintAlreadyResolved, account.apologise_for_complaint, actor=佐藤さん,
            now=今, complaint_id=complaint_id)


def test_担当者か課長しか記録できない(account: Account) -> None:
    for outsider in (鈴木さん, 高橋さん, 監査の伊藤さん):
        refuses(account, NotPermitted, account.record_visit, actor=outsider, now=今, **visit())
        refuses(account, NotPermitted, account.add_note, actor=outsider, now=今, text="メモ")
    account.record_visit(田中課長, 今, **visit(purpose="課長同行"))
    assert len(account.collect_events()) == 1


def test_取引先を開設できるのは課長か管理者だけ() -> None:
    with pytest.raises(NotPermitted):
        Account.open(佐藤さん, 今, name="株式会社山田製作所", owner_rep_id="sato",
                     visit_cadence_days=14)


def test_引き継ぎ中の後任は一人だけ(account: Account) -> None:
    account.initiate_handover(田中課長, 今, to_rep_id="suzuki", reason="異動", effective_at=今)
    account.collect_events()
    error = refuses(account, HandoverInProgress, account.initiate_handover, actor=田中課長,
                    now=今, to_rep_id="takahashi", reason="やはり高橋さんに", effective_at=今)
    assert "suzuki" in str(error)


def test_引き継ぎを始めるのは課長だけで自分自身には引き継げない(account: Account) -> None:
    refuses(account, NotPermitted, account.initiate_handover, actor=佐藤さん, now=今,
            to_rep_id="suzuki", reason="異動", effective_at=今)
    refuses(account, InvalidValue, account.initiate_handover, actor=田中課長, now=今,
            to_rep_id="sato", reason="異動", effective_at=今)


def test_引き継ぎ資料の確認は後任だけが行い完了は課長か後任(account: Account) -> None:
    handover_id = account.initiate_handover(田中課長, 今, to_rep_id="suzuki", reason="異動",
                                            effective_at=今)
    account.collect_events()
    refuses(account, NotPermitted, account.acknowledge_dossier, actor=佐藤さん, now=今,
            handover_id=handover_id)
    refuses(account, NotPermitted, account.complete_handover, actor=佐藤さん, now=今,
            handover_id=handover_id)
    refuses(account, NotPermitted, account.record_joint_visit, actor=高橋さん, now=今,
            handover_id=handover_id, occurred_at=今)
    account.complete_handover(田中課長, 今, handover_id=handover_id)
    account.collect_events()
    refuses(account, HandoverNotOpen, account.complete_handover, actor=鈴木さん, now=今,
            handover_id=handover_id)
    refuses(account, NotPermitted, account.record_visit, actor=佐藤さん, now=今, **visit())


@pytest.mark.parametrize("field", ["occurred_at"])
def test_起きたことに未来の日時は使えない(account: Account, field: str) -> None:
    error = refuses(account, OccursInFuture, account.record_visit, actor=佐藤さん, now=今,
                    **visit(occurred_at=今 + timedelta(hours=1)))
    assert error.field == field  # type: ignore[attr-defined]
    refuses(account, OccursInFuture, account.receive_complaint, actor=佐藤さん, now=今,
            received_at=今 + timedelta(days=1), subject="未来のクレーム")
    refuses(account, OccursInFuture, account.renew_contract, actor=佐藤さん, now=今,
            renewed_at=今 + timedelta(days=1), contract_end=date(2027, 3, 31), terms="",
            annual_value_jpy=1)


def test_時計のずれ五分までは許す(account: Account) -> None:
    account.record_visit(佐藤さん, 今, **visit(occurred_at=今 + timedelta(minutes=4)))
    assert len(account.collect_events()) == 1


def test_時差のない日時は受け付けない(account: Account) -> None:
    error = refuses(account, InvalidValue, account.record_visit, actor=佐藤さん, now=今,
                    **visit(occurred_at=datetime(2026, 11, 19, 10, 0)))
    assert error.field == "occurred_at"  # type: ignore[attr-defined]


@pytest.mark.parametrize("blank", ["", "   ", "　\n"])
def test_必須の文字列は空にできない(account: Account, blank: str) -> None:
    error = refuses(account, InvalidValue, account.record_visit, actor=佐藤さん, now=今,
                    **visit(purpose=blank))
    assert error.field == "purpose"  # type: ignore[attr-defined]
    error = refuses(account, InvalidValue, account.receive_complaint, actor=佐藤さん, now=今,
                    received_at=今, subject=blank)
    assert error.field == "subject"  # type: ignore[attr-defined]
    with pytest.raises(InvalidValue):
        Account.open(田中課長, 今, name=blank, owner_rep_id="sato", visit_cadence_days=14)


def test_文字列には上限がある(account: Account) -> None:
    refuses(account, InvalidValue, account.record_visit, actor=佐藤さん, now=今,
            **visit(purpose="あ" * (SHORT_TEXT + 1)))
    refuses(account, InvalidValue, account.record_visit, actor=佐藤さん, now=今,
            **visit(summary="あ" * (LONG_TEXT + 1)))
    account.record_visit(佐藤さん, 今, **visit(purpose="あ" * SHORT_TEXT, summary="い" * LONG_TEXT))
    assert len(account.collect_events()) == 1


def test_訪問頻度と金額は範囲内(account: Account) -> None:
    refuses(account, InvalidValue, account.agree_visit_cadence, actor=佐藤さん, now=今,
            visit_cadence_days=0)
    refuses(account, InvalidValue, account.renew_contract, actor=佐藤さん, now=今,
            renewed_at=今, contract_end=date(2027, 3, 31), terms="", annual_value_jpy=-1)
    refuses(account, InvalidValue, account.renew_contract, actor=佐藤さん, now=今,
            renewed_at=今, contract_end=date(2025, 3, 31), terms="", annual_value_jpy=1)


def test_要望は一度だけ答え受けるなら譲歩を書く(account: Account) -> None:
    request_id = account.receive_request(佐藤さん, 今, kind="rush_delivery",
                                         detail="明日までに100個")
    account.collect_events()
    error = refuses(account, InvalidValue, account.answer_request, actor=佐藤さん, now=今,
                    request_id=request_id, answer="accepted")
    assert error.field == "concession"  # type: ignore[attr-defined]
    account.answer_request(佐藤さん, 今, request_id=request_id, answer="accepted",
                           concession="特急便を当社負担で手配")
    account.collect_events()
    refuses(account, RequestAlreadyAnswered, account.answer_request, actor=佐藤さん, now=今,
            request_id=request_id, answer="declined")
    refuses(account, InvalidValue, account.receive_request, actor=佐藤さん, now=今,
            kind="値下げ", detail="種類は英語のコードで")


def test_異動した先方担当者は変更できない(account: Account) -> None:
    yamada = account.add_stakeholder(佐藤さん, 今, name="山田 一郎")
    account.stakeholder_left(佐藤さん, 今, stakeholder_id=yamada, reason="異動")
    account.collect_events()
    refuses(account, StakeholderAlreadyLeft, account.change_stakeholder, actor=佐藤さん, now=今,
            stakeholder_id=yamada, stance="critical")
    refuses(account, StakeholderAlreadyLeft, account.stakeholder_left, actor=佐藤さん, now=今,
            stakeholder_id=yamada)


def test_存在しない提案への反応は記録できない(account: Account) -> None:
    refuses(account, ItemNotFound, account.record_reaction, actor=佐藤さん, now=今,
            proposal_id="nope", reaction="positive")


def test_訂正は元の記録を指し直せる項目だけを直す(account: Account) -> None:
    promise_id = account.make_promise(佐藤さん, 今, description="カタログ送付",
                                      due_date=date(2026, 11, 25), made_to="中村さん")
    (made,) = account.collect_events()
    target = CorrectionTarget(event_id=made.event_id, version=made.originator_version,  # type: ignore[attr-defined]
                              kind="PromiseMade", values=dict(vars(made)))
    refuses(account, InvalidValue, account.correct, actor=佐藤さん, now=今, target=target,
            corrections={"promise_id": "x"}, reason="誤記")
    refuses(account, InvalidValue, account.correct, actor=佐藤さん, now=今, target=target,
            corrections={}, reason="誤記")
    refuses(account, NotCorrectable, account.correct, actor=佐藤さん, now=今,
            target=CorrectionTarget(uuid4(), 1, "Opened"), corrections={"name": "x"}, reason="x")
    refuses(account, NotPermitted, account.correct, actor=鈴木さん, now=今, target=target,
            corrections={"due_date": date(2026, 11, 30)}, reason="誤記")

    account.correct(佐藤さん, 今, target=target, corrections={"due_date": date(2026, 11, 30)},
                    reason="期日の誤記")
    (corrected,) = account.collect_events()
    assert isinstance(corrected, Account.RecordCorrected)
    assert corrected.corrected_event_id == made.event_id  # type: ignore[attr-defined]
    assert corrected.originals == {"due_date": date(2026, 11, 25)}
    assert account.promises[promise_id].due_date == date(2026, 11, 30)
