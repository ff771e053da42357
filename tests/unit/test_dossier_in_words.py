"""The dossier as the successor reads it on day one (引き継ぎ資料), in Japanese with people by
name: 株式会社山田製作所 passes from 佐藤さん to 鈴木さん. The printed (Markdown) dossier
carries every part of the JSON one, the broken promises and the joint-visit note included."""

from __future__ import annotations

import copy
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from api.markdown import BASELINE_HEADING, COMPARISON_MARKER, SECTION_MARKERS, render
from api.reads.people import People
from domain.account import Account
from domain.users import User
from projections import dossier
from tests.conftest import JST, 佐藤さん, 田中課長, 鈴木さん

始まり = datetime(2026, 4, 6, 10, 0, tzinfo=JST)
交代 = datetime(2026, 9, 1, 9, 0, tzinfo=JST)
NAMES = {"sato": "佐藤 健", "suzuki": "鈴木 一郎", "tanaka": "田中 課長"}


class Directory:
    def get_user(self, user_id: str) -> User:
        from domain.errors import UserNotFound
        if user_id not in NAMES:
            raise UserNotFound(f"no user {user_id}", field="user_id")
        return User(user_id, NAMES[user_id], "rep", "hash", "admin")


def 山田製作所() -> Account:
    """Five months of 佐藤さん, a broken promise, then the handover to 鈴木さん."""
    account = Account.open(田中課長, 始まり, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14)
    day = 始まり
    for week in range(0, 20, 2):
        day = 始まり + timedelta(weeks=week)
        account.record_visit(佐藤さん, day, occurred_at=day, purpose="定期訪問",
                             summary="新ラインの件", attendees=["山田 一郎 部長"],
                             small_talk=week < 10, next_action="見積りを送る")
    account.add_note(佐藤さん, day, text="訪問は火曜か木曜の午前10時が良い",
                     topic="preference")
    account.add_note(佐藤さん, day, text="工場長は釣りの話が好き", kind="opinion")
    account.add_note(佐藤さん, day, text="競合A社の話題は禁句", topic="taboo")
    account.add_stakeholder(佐藤さん, day, name="山田 一郎", title="購買部長",
                            decision_power=True, stance="critical",
                            note="最終決裁者。数字と根拠で話す人")
    sample = account.make_promise(佐藤さん, day, description="サンプル持参",
                                  due_date=date(2026, 8, 10), made_to="中村さん")
    account.close_promise(佐藤さん, day + timedelta(days=5), promise_id=sample,
                          outcome="broken", note="在庫切れ")
    account.make_promise(佐藤さん, day, description="カタログを送る",
                         due_date=date(2026, 9, 20), made_to="山田部長")
    complaint = account.receive_complaint(佐藤さん, day, received_at=day, subject="納品遅延",
                                          detail="2日遅れ", severity="high")
    account.acknowledge_complaint(佐藤さん, day + timedelta(hours=3), complaint_id=complaint)
    account.receive_request(佐藤さん, day, kind="discount", detail="単価5%下げて")
    account.give_proposal(佐藤さん, day, title="省エネ型への更新", kind="proposal")
    account.renew_contract(佐藤さん, day, renewed_at=day, contract_end=date(2027, 3, 31),
                           terms="年間保守", annual_value_jpy=4_800_000)
    handover = account.initiate_handover(田中課長, 交代, to_rep_id="suzuki",
                                         reason="佐藤さんの大阪支店への異動",
                                         effective_at=交代 + timedelta(days=7))
    account.acknowledge_dossier(鈴木さん, 交代 + timedelta(days=1), handover_id=handover)
    account.record_joint_visit(佐藤さん, 交代 + timedelta(days=2), handover_id=handover,
                               occurred_at=交代 + timedelta(days=2), note="今井課長は無言")
    account.record_customer_informed(佐藤さん, 交代 + timedelta(days=2), handover_id=handover,
                                     occurred_at=交代 + timedelta(days=2),
                                     note="山田部長に電話で挨拶")
    account.schedule_checkpoint(田中課長, 交代 + timedelta(days=2), handover_id=handover,
                                checkpoint_on=date(2026, 12, 1), note="90日後の振り返り")
    account.complete_handover(鈴木さん, 交代 + timedelta(days=7), handover_id=handover)
    return account


def folded(account: Account) -> dict[str, Any]:
    document = None
    for event in account.collect_events():
        document = dossier.evolve(document, event)
    assert document is not None
    return dossier.present(document, 交代 + timedelta(days=30))


@pytest.fixture(scope="module")
def json_dossier() -> dict[str, Any]:
    return folded(山田製作所())


def test_the_joint_visit_note_is_kept_after_the_handover_completes(
        json_dossier: dict[str, Any]) -> None:
    assert json_dossier["handover"] is None, "completed"
    notes = [(n["step"], n["note"], n["from_rep_id"], n["to_rep_id"], n["author"])
             for n in json_dossier["handover_notes"]]
    assert notes == [("joint_visit", "今井課長は無言", "sato", "suzuki", "sato"),
                     ("customer_informed", "山田部長に電話で挨拶", "sato", "suzuki", "sato")]
    assert all(len(n["event_ids"]) == 1 for n in json_dossier["handover_notes"])


def test_a_broken_promise_says_what_when_to_whom_and_by_whom(
        json_dossier: dict[str, Any]) -> None:
    (broken,) = json_dossier["broken_promises"]
    assert (broken["description"], broken["made_to"], broken["made_by"], broken["due_date"],
            broken["broken_on"], broken["note"]) == (
        "サンプル持参", "中村さん", "sato", "2026-08-10", "2026-08-15", "在庫切れ")
    assert len(broken["event_ids"]) == 2, "the promise and its breaking"
    assert json_dossier["promise_record"] == {"kept": 0, "broken": 1, "cancelled": 0}


def markdown(document: dict[str, Any]) -> str:
    return render(document, People(Directory()))


def test_every_part_of_the_json_dossier_is_in_the_markdown(
        json_dossier: dict[str, Any]) -> None:
    printed = markdown(json_dossier)
    for key in json_dossier:
        assert key in SECTION_MARKERS, f"the Markdown dossier has no section for {key!r}"
        assert SECTION_MARKERS[key] in printed, key
    assert set(SECTION_MARKERS) - set(json_dossier) == {"incomplete"}, \
        "only the notice of an incomplete dossier is added by the route"


def test_the_successor_reads_what_the_customer_expects(json_dossier: dict[str, Any]) -> None:
    printed = markdown(json_dossier)
    for said in ("訪問は火曜か木曜の午前10時が良い", "最終決裁者。数字と根拠で話す人",
                 "工場長は釣りの話が好き", "今井課長は無言", "新ラインの件",
                 "競合A社の話題は禁句", "単価5%下げて", "省エネ型への更新"):
        assert said in printed, said
    assert "- 2026-09-03 09:00 同行訪問（佐藤 健さん → 鈴木 一郎さん）: 今井課長は無言" in printed
    assert ("サンプル持参（佐藤 健さんが中村さんに約束、期限 2026-08-10、2026-08-15 に"
            "守れなかったと記録 佐藤 健さん、理由: 在庫切れ）") in printed
    assert "山田 一郎（購買部長、決裁権あり、批判的" in printed
    assert "重大度 高" in printed and "意見／記録: 佐藤 健さん" in printed


def test_people_by_name_and_codes_in_japanese(json_dossier: dict[str, Any]) -> None:
    printed = markdown(json_dossier)
    words = set(re.findall(r"(?<![`\w])[a-z_]{3,}(?![`\w])", printed))
    assert not words, f"ids or English codes people would read: {words}"
    assert "佐藤 健さん" in printed and "鈴木 一郎さん" in printed


def test_a_successor_score_without_its_comparison_is_not_shown(
        json_dossier: dict[str, Any]) -> None:
    document = copy.deepcopy(json_dossier)
    for tenure in document["tenures"][1:]:
        tenure.pop("comparison", None)
        tenure["status"], tenure["health"]["score"] = "ramp_up", 59
    document["tenures"][0]["health"]["score"] = 76
    printed = markdown(document)
    assert "76点" in printed, "the predecessor's frozen score"
    assert "59点" not in printed, "never the ramp-up score beside the predecessor's bare one"
    assert "前任者と同じ期間で比べられるまで表示しません" in printed


def test_a_tenure_with_thin_records_shows_no_score(json_dossier: dict[str, Any]) -> None:
    document = copy.deepcopy(json_dossier)
    document["tenures"][1].update(status="thin_records", comparison=COMPARISON)
    document["tenures"][1]["health"]["score"] = 95
    document["health"].update(status="thin_records", score=95)
    printed = markdown(document)
    assert "95点" not in printed
    assert printed.count("記録が少ないため点数を出しません") == 2, "the tenure and now"
    assert "前任 佐藤 健さん 71点／鈴木 一郎さん 記録が少ない" in printed


def baseline_of(document: dict[str, Any]) -> dict[str, Any]:
    """A baseline as the health view freezes it (projections.health_baseline): items cite
    promises, complaints and requests by id, figures carry what they were measured over."""
    promise = (document["open_promises"] or [{"promise_id": "p1"}])[0]
    complaint = (document["complaints"] or [{"complaint_id": "c1"}])[0]
    request = (document["requests"] or [{"request_id": "r1"}])[0]
    return {
        "at": "2026-09-08T09:00:00+09:00",
        "open_promises": [{"promise_id": promise["promise_id"], "made_by": "sato",
                           "made_on": "2026-08-10", "due_date": "2026-09-20",
                           "overdue": False, "event_ids": ["a1" * 16]}],
        "open_complaints": [{"complaint_id": complaint["complaint_id"], "severity": "high",
                             "received_at": "2026-08-10T10:00:00+09:00", "age_days": 29.0,
                             "responded": True, "event_ids": ["b2" * 16]}],
        "unanswered_requests": [{"request_id": request["request_id"], "kind": "discount",
                                 "received_at": "2026-08-10T10:00:00+09:00",
                                 "age_days": 29.0, "event_ids": ["c3" * 16]}],
        "concessions": [{"kind": "complaint", "concession": "次回3%値引き",
                         "answer": "accepted", "on": "2026-08-12",
                         "event_ids": ["c4" * 16]}],
        "small_talk_share": {"value": 0.2, "visits": 5, "event_ids": ["d4" * 16, "e5" * 16]},
        "cadence_kept": {"value": 0.833, "windows": 6, "covered": 5, "days": 90,
                         "event_ids": ["d4" * 16]},
        "contract_days_left": {"value": 204, "contract_end": "2027-03-31",
                               "event_ids": ["f6" * 16]},
        "stakeholders_changed": [{"stakeholder_id": "s1", "change": "added",
                                  "name": "山田 一郎", "on": "2026-08-10",
                                  "event_ids": ["a7" * 16]}],
        "event_ids": ["a1" * 16],
    }


COMPARISON = {"predecessor_rep_id": "sato", "days": 30, "predecessor_score": 71, "score": 68,
              "same_season_last_year_score": None, "same_length": {"score": 71},
              "same_season_last_year": None}


def test_the_baseline_and_the_comparison_are_printed_beside_the_score(
        json_dossier: dict[str, Any]) -> None:
    document = copy.deepcopy(json_dossier)
    document["tenures"][1].update(baseline=baseline_of(document), comparison=COMPARISON,
                                  status="ramp_up")
    document["tenures"][1]["health"]["score"] = 68
    printed = markdown(document)
    heading = next(line for line in printed.splitlines() if line.startswith(BASELINE_HEADING))
    assert "引き継ぎ時点" in heading and "鈴木 一郎さん" in heading
    baseline = printed[printed.index(heading):].split("\n## ")[0]
    for line in (
        "- 未完了の約束: 1件",
        "  - カタログを送る（期限 2026年9月20日(日)、佐藤 健さんが約束） — 推定／根拠: `a1a1a1a1`",
        "  - 納品遅延（重大度 高、受付 2026年8月10日(月) 10:00、経過 29.0日）",
        "  - 値下げ: 単価5%下げて（受付 2026年8月10日(月) 10:00、経過 29.0日）",
        "  - クレーム対応: 次回3%値引き（了承、2026年8月12日(水)）",
        "- 雑談の割合: 20%（直近5回の訪問） — 推定／根拠: `d4d4d4d4`, `e5e5e5e5`",
        "- 訪問周期の順守（直近90日）: 83%（6周期中5周期）",
        "- 契約終了までの日数: 204日（契約終了 2027年3月31日(水)）",
        "  - 山田 一郎（登録、2026年8月10日(月)）",
    ):
        assert line in baseline, line
    assert not re.findall(r"(?<![`\w])[a-z_]{3,}(?![`\w])", baseline)
    (tenure,) = [line for line in printed.splitlines() if line.startswith("- 鈴木 一郎さん")]
    comparison = printed.splitlines()[printed.splitlines().index(tenure) + 1]
    assert "スコア 68点" in tenure
    assert comparison == (f"  - {COMPARISON_MARKER}（担当開始から30日）: "
                          "前任 佐藤 健さん 71点／鈴木 一郎さん 68点")


def test_an_open_handover_shows_what_the_successor_would_receive(
        json_dossier: dict[str, Any]) -> None:
    document = copy.deepcopy(json_dossier)
    document["handover"] = {"handover_id": "h2", "from_rep_id": "suzuki", "to_rep_id": "sato",
                            "reason": "再異動", "effective_at": "2026-11-01T09:00:00+09:00",
                            "steps": {"initiated": "2026-10-01T09:00:00+09:00"},
                            "event_ids": ["b1" * 16], "author": "tanaka", "basis": "fact",
                            "baseline": baseline_of(document)}
    handover = markdown(document).split("## 今回の引き継ぎ")[1].split("\n## ")[0]
    assert "- 鈴木 一郎さん → 佐藤 健さん（理由: 再異動" in handover
    assert "記録: 田中 課長さん" in handover
    assert f"{BASELINE_HEADING}（佐藤 健さんが今引き継ぐとしたら受け取るもの）" in handover
    assert "- 未完了の約束: 1件" in handover


def test_computed_warnings_are_marked_with_their_evidence(
        json_dossier: dict[str, Any]) -> None:
    document = copy.deepcopy(json_dossier)
    document["warnings"] = [{"code": "promise_overdue", "severity": "high",
                             "facts": {"due_date": "2026-09-20"}, "user_id": "sato",
                             "event_ids": ["a1" * 16]}]
    printed = markdown(document)
    assert ("- 要対応: 約束の期限切れ (2026-09-20, 佐藤 健さんの約束) — 推定／根拠: `a1a1a1a1`"
            in printed)
    assert "記録: ?" not in printed and "sato" not in printed
