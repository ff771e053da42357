"""The handover from 佐藤さん to 鈴木さん on the web: 鈴木さん reads the dossier, follows a
provenance link to the event, acknowledges it, and the frozen version stays readable."""

from __future__ import annotations

import re

from tests.web.conftest import WebOffice


def yamada_with_history(web: WebOffice) -> tuple[str, str]:
    """株式会社山田製作所 with a promise, a precedent and a taboo, being handed to 鈴木さん."""
    office = web.office
    account = office.open_yamada()
    base = f"/v1/accounts/{account}"
    sato = office.佐藤さん
    sato.post(f"{base}/visits", {"occurred_at": "2026-11-20T09:30:00+09:00",
                                 "purpose": "定期訪問", "summary": "新ラインの件",
                                 "attendees": ["山田 一郎 部長"], "small_talk": True,
                                 "next_action": "カタログを送る"})
    sato.post(f"{base}/promises", {"description": "年末の在庫確保", "due_date": "2026-12-20",
                                   "made_to": "中村さん"})
    request = sato.post(f"{base}/requests", {"kind": "discount", "detail": "5%下げてほしい"})
    sato.post(f"{base}/requests/{request.json()['request_id']}/answer", {
        "answer": "partly", "concession": "値下げ 3% を了承"})
    sato.post(f"{base}/notes", {"text": "競合A社の話題は禁句", "topic": "taboo"})
    sato.post(f"{base}/stakeholders", {"name": "山田 一郎", "title": "購買部長",
                                       "decision_power": True, "stance": "supportive"})
    started = office.田中課長.post(f"{base}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
        "effective_at": "2026-12-01T09:00:00+09:00"})
    return account, started.json()["handover_id"]


def test_suzuki_reads_every_section_with_its_sources(web: WebOffice) -> None:
    account, _ = yamada_with_history(web)
    page = web.鈴木さん.get(f"/accounts/{account}/dossier")
    assert page.status_code == 200
    text = page.text
    assert "<h1>引き継ぎ資料: 株式会社山田製作所</h1>" in text
    for section in ("概要", "担当の変遷と健全度", "取引", "訪問リズム", "先方担当者",
                    "未完了の約束", "クレーム（対応中・解決済み）", "前例となる要望と譲歩",
                    "注意点・禁句", "健全度と警告", "未完了の案件"):
        assert f">{section}</h" in text, section
    assert "年末の在庫確保" in text and "佐藤 健さんが中村さんに約束" in text
    assert "値下げ: 値下げ 3% を了承 (一部了承, 2026-11)" in text
    assert "競合A社の話題は禁句" in text and "山田 一郎" in text
    assert "佐藤さんの大阪支店への異動" in text
    assert "引き継ぎ資料を確認しました" in text, "the successor may acknowledge"
    assert "@media print" in web.鈴木さん.get("/static/tsunagi.css").text


def test_a_provenance_link_leads_to_the_event(web: WebOffice) -> None:
    account, _ = yamada_with_history(web)
    text = web.鈴木さん.get(f"/accounts/{account}/dossier").text
    promise = text.split("年末の在庫確保")[1]
    link = re.search(rf'href="(/accounts/{account}/events/[0-9a-f-]+)"', promise)
    assert link
    event = web.鈴木さん.get(link.group(1))
    assert event.status_code == 200
    assert "約束の記録" in event.text and "年末の在庫確保" in event.text
    assert "佐藤 健さん" in event.text


def test_suzuki_acknowledges_and_the_frozen_version_stays(web: WebOffice) -> None:
    account, handover_id = yamada_with_history(web)
    dossier = f"/accounts/{account}/dossier"
    assert web.佐藤さん.post(f"/accounts/{account}/handovers/{handover_id}/acknowledge", {},
                            csrf_from=dossier).status_code == 403, "only the successor"
    answer = web.鈴木さん.post(f"/accounts/{account}/handovers/{handover_id}/acknowledge", {},
                              csrf_from=dossier)
    assert answer.status_code == 303
    frozen_url = f"/accounts/{account}/handovers/{handover_id}/dossier"
    assert answer.headers["location"] == f"{frozen_url}?done=1"
    frozen = web.鈴木さん.get(answer.headers["location"]).text
    assert "確認済み版（凍結）" in frozen and "鈴木 一郎さんが" in frozen
    assert "年末の在庫確保" in frozen
    web.office.佐藤さん.post(f"/v1/accounts/{account}/notes", {"text": "後から書いたメモ"})
    assert "後から書いたメモ" in web.鈴木さん.get(dossier).text
    assert "後から書いたメモ" not in web.鈴木さん.get(frozen_url).text
    again = web.鈴木さん.post(f"/accounts/{account}/handovers/{handover_id}/acknowledge", {},
                             csrf_from=dossier)
    assert again.status_code in (303, 409)


def test_the_successor_completes_and_the_predecessor_loses_the_page(web: WebOffice) -> None:
    account, handover_id = yamada_with_history(web)
    dossier = f"/accounts/{account}/dossier"
    web.鈴木さん.post(f"/accounts/{account}/handovers/{handover_id}/acknowledge", {},
                     csrf_from=dossier)
    assert "引き継ぎを完了する" in web.鈴木さん.get(dossier).text
    done = web.鈴木さん.post(f"/accounts/{account}/handovers/{handover_id}/complete", {},
                            csrf_from=dossier)
    assert done.status_code == 303
    page = web.鈴木さん.get(done.headers["location"])
    assert "引き継ぎが完了しました" in page.text and "訪問を記録" in page.text
    assert web.佐藤さん.get(f"/accounts/{account}").status_code == 404
    assert web.佐藤さん.get(dossier).status_code == 404


def test_a_rep_cannot_ask_for_the_dossier_as_of_an_instant(web: WebOffice) -> None:
    account, _ = yamada_with_history(web)
    answer = web.佐藤さん.get(f"/accounts/{account}/dossier?as_of=2026-11-20T09:00")
    assert answer.status_code == 403
    bad = web.監査の伊藤さん.get(f"/accounts/{account}/dossier?as_of=yesterday")
    assert bad.status_code == 400
    missing = web.監査の伊藤さん.get(f"/accounts/{account}/handovers/nope/dossier")
    assert missing.status_code == 404


def test_the_review_held_after_completion_shows_beside_its_checkpoint(web: WebOffice) -> None:
    account, handover = yamada_with_history(web)
    office, base = web.office, f"/v1/accounts/{account}/handovers/{handover}"
    office.田中課長.post(f"{base}/checkpoint", {"checkpoint_on": "2026-11-20",
                                              "note": "振り返り"})
    assert office.鈴木さん.post(f"{base}/complete").status_code == 200
    assert office.鈴木さん.post(f"{base}/checkpoint-held", {
        "note": "田中課長と確認済み"}).status_code == 200
    text = web.鈴木さん.get(f"/accounts/{account}/dossier").text
    held = text.split('id="checkpoints"')[1]
    assert "振り返り済み 2026年11月20日(金) 10:00 田中課長と確認済み" in held
    timeline = web.鈴木さん.get(f"/accounts/{account}").text
    assert "振り返りの実施" in timeline


def test_suzuki_records_the_review_held_from_the_account_page(web: WebOffice) -> None:
    """The checkpoint 田中課長 set falls due; on his phone 鈴木さん opens the account, records
    the review beside its warning, and the warning ends."""
    from tests.web.test_account_page import form_id, post

    account, handover = yamada_with_history(web)
    office, base = web.office, f"/v1/accounts/{account}/handovers/{handover}"
    office.田中課長.post(f"{base}/checkpoint", {"checkpoint_on": "2026-11-20", "note": "振り返り"})
    assert office.鈴木さん.post(f"{base}/complete").status_code == 200
    page = web.鈴木さん.get(f"/accounts/{account}").text
    assert "引き継ぎの振り返り日 2026-11-20" in page, "the warning"
    assert f"/handovers/{handover}/checkpoint-held" in page, "the form beside it"

    too_early = post(web.鈴木さん, account, f"/handovers/{handover}/checkpoint-held",
                     {"occurred_at": "2020-01-01T10:00", "note": "早すぎる"})
    assert too_early.status_code == 422
    assert "より前の日時は記録できません" in too_early.text and "早すぎる" in too_early.text
    held = post(web.鈴木さん, account, f"/handovers/{handover}/checkpoint-held",
                {"occurred_at": "", "note": "田中課長と確認済み",  # blank: now
                 "form_id": form_id()})
    assert held.status_code == 303 and held.headers["location"].endswith("#checkpoints")
    after = web.鈴木さん.get(held.headers["location"]).text
    assert "振り返りの実施を記録しました。" in after
    assert "引き継ぎの振り返り日 2026-11-20" not in after, "the warning ended"
    dossier = web.鈴木さん.get(f"/accounts/{account}/dossier").text
    assert "田中課長と確認済み" in dossier.split('id="checkpoints"')[1]
