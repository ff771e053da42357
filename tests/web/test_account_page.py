"""佐藤さん's page for 株式会社山田製作所: the header, health per tenure, charts, the timeline
and the forms that record his day; others see it only as the JSON API would let them."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.e2e.conftest import Office
from tests.web.conftest import WebOffice, WebPerson


def record_a_day(office: Office) -> str:
    account = office.open_yamada()
    base = f"/v1/accounts/{account}"
    sato = office.佐藤さん
    sato.post(f"{base}/visits", {"occurred_at": "2026-11-20T09:30:00+09:00",
                                 "purpose": "定期訪問", "summary": "新ラインの立ち上げで忙しそう",
                                 "attendees": ["山田 一郎 部長"], "small_talk": True})
    sato.post(f"{base}/promises", {"description": "カタログを送る", "due_date": "2026-11-25",
                                   "made_to": "山田部長"})
    return account


def form_id() -> str:
    return uuid.uuid4().hex


def post(person: WebPerson, account: str, path: str, data: dict[str, str]) -> Any:
    return person.post(f"/accounts/{account}{path}", {"form_id": form_id(), **data},
                       csrf_from=f"/accounts/{account}")


def test_the_account_page_in_japanese(web: WebOffice) -> None:
    account = record_a_day(web.office)
    page = web.佐藤さん.get(f"/accounts/{account}")
    assert page.status_code == 200
    text = page.text
    assert "<h1>株式会社山田製作所</h1>" in text
    assert "佐藤 健さん" in text, "people by name"
    assert "2026年11月20日(金) 09:30" in text, "last visit in JST"
    assert "2026年12月4日(金)" in text, "next visit due"
    assert "カタログを送る" in text and "山田部長" in text
    assert "健全度（担当期間ごと）" in text and "訪問リズム" in text
    assert '<svg class="chart" id="visits-chart" role="img"' in text
    assert '<svg class="chart" id="health-chart" role="img"' in text
    assert "<th scope=\"col\">" in text and '<label for="visit-occurred_at">' in text
    assert "新ラインの立ち上げで忙しそう" in text, "the timeline"
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_the_account_page_shows_where_and_how_to_reach_the_customer(web: WebOffice) -> None:
    account = record_a_day(web.office)
    assert "所在地" not in web.佐藤さん.get(f"/accounts/{account}").text, "nothing given yet"
    changed = web.office.佐藤さん.patch(f"/v1/accounts/{account}", {
        "address": "埼玉県川口市本町1-2-3", "phone": "048-000-1234", "area": "県南"})
    assert changed.status_code == 200, changed.text
    text = web.佐藤さん.get(f"/accounts/{account}").text
    assert "<dt>所在地</dt><dd>埼玉県川口市本町1-2-3</dd>" in text
    assert '<a href="tel:048-000-1234">048-000-1234</a>' in text, "one tap to call"
    assert "<dt>エリア</dt><dd>県南</dd>" in text


def test_another_reps_account_is_not_found(web: WebOffice) -> None:
    account = record_a_day(web.office)
    for path in ("", "/dossier", "/timeline"):
        answer = web.鈴木さん.get(f"/accounts/{account}{path}")
        assert answer.status_code == 404, path
        assert "カタログを送る" not in answer.text
    assert web.鈴木さん.get(f"/accounts/{account}/audit").status_code == 403, \
        "no rep may use the audit page, whoever owns the account (as in the JSON API)"
    assert web.鈴木さん.get("/accounts/not-a-uuid").status_code == 404
    assert "株式会社山田製作所" not in web.鈴木さん.get("/accounts").text
    refused = post(web.鈴木さん, account, "/visits", {
        "occurred_at": "2026-11-20T09:00", "purpose": "挨拶"})
    assert refused.status_code in (403, 404)


def test_the_timeline_filters_by_kind_and_pages(web: WebOffice) -> None:
    account = record_a_day(web.office)
    sato = web.佐藤さん
    visits = sato.get(f"/accounts/{account}?kind=visit").text
    timeline = visits.split('id="timeline"')[1]
    assert "新ラインの立ち上げで忙しそう" in timeline
    assert "カタログを送る（期限" not in timeline
    for day in range(60):
        web.office.佐藤さん.post(f"/v1/accounts/{account}/notes", {"text": f"メモ{day}"})
    first = sato.get(f"/accounts/{account}").text  # newest first, 50 a page
    assert "新しい順" in first and "さらに前を表示" in first
    assert first.index("メモ59</p>") < first.index("メモ58</p>") < first.index("メモ10</p>")
    assert "メモ9</p>" not in first
    more = re.search(r'data-fragment="([^"]+)"', first)
    assert more
    fragment = sato.get(more.group(1).replace("&amp;", "&"))
    assert fragment.status_code == 200
    assert "メモ9</p>" in fragment.text and "メモ10</p>" not in fragment.text
    assert "<html" not in fragment.text
    oldest = sato.get(f"/accounts/{account}?order=oldest").text
    assert "さらに表示" in oldest and "メモ46</p>" in oldest and "メモ47</p>" not in oldest
    more = re.search(r'data-fragment="([^"]+)"', oldest)
    assert more
    fragment = sato.get(more.group(1).replace("&amp;", "&"))
    assert "メモ47</p>" in fragment.text and "メモ46</p>" not in fragment.text
    assert sato.get(f"/accounts/{account}?kind=nonsense&cursor=abc").status_code == 200


def test_sato_records_a_visit_and_is_sent_back_to_the_page(web: WebOffice) -> None:
    account = record_a_day(web.office)
    answer = post(web.佐藤さん, account, "/visits", {
        "occurred_at": "2026-11-20T09:45", "purpose": "定期訪問", "summary": "見積の相談",
        "attendees": "山田 一郎 部長\n経理の中村さん\n", "small_talk": "on",
        "channel": "in_person", "next_action": "見積を送る"})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/accounts/{account}?done=visit#timeline"
    history = web.office.佐藤さん.get(f"/v1/accounts/{account}/history",
                                     params={"kind": "visit_recorded"}).json()["items"]
    recorded = history[-1]
    assert recorded["occurred_at"] == "2026-11-20T09:45:00+09:00"
    assert recorded["data"]["attendees"] == ["山田 一郎 部長", "経理の中村さん"]
    assert recorded["data"]["small_talk"] is True
    page = web.佐藤さん.get(answer.headers["location"])
    assert "訪問を記録しました。" in page.text


def test_the_same_form_sent_twice_records_once(web: WebOffice) -> None:
    account = record_a_day(web.office)
    form = {"description": "見積を送る", "due_date": "2026-11-27", "made_to": "中村さん",
            "form_id": form_id()}
    assert post(web.佐藤さん, account, "/promises", form).status_code == 303
    assert post(web.佐藤さん, account, "/promises", form).status_code == 303
    changed = post(web.佐藤さん, account, "/promises", {**form, "made_to": "山田部長"})
    assert changed.status_code == 409, "an old form sent again with new values"
    assert "画面が古くなっています" in changed.text
    view = web.office.佐藤さん.get(f"/v1/accounts/{account}").json()
    assert [p["description"] for p in view["open_promises"]].count("見積を送る") == 1


def test_bad_input_comes_back_in_japanese_next_to_the_field(web: WebOffice) -> None:
    account = record_a_day(web.office)
    before = web.office.佐藤さん.get(f"/v1/accounts/{account}").json()["version"]
    blank = post(web.佐藤さん, account, "/visits", {"occurred_at": "", "purpose": "  "})
    assert blank.status_code == 422
    text = blank.text
    assert 'id="visit-purpose-error"' in text and "入力してください。" in text
    assert 'aria-invalid="true"' in text
    future = post(web.佐藤さん, account, "/complaints", {
        "received_at": "2030-01-01T10:00", "subject": "納品遅延", "severity": "high"})
    assert future.status_code == 422
    assert "未来の日時は記録できません。" in future.text
    assert 'value="納品遅延"' in future.text, "what he typed is kept"
    bad_date = post(web.佐藤さん, account, "/promises", {
        "description": "カタログ", "due_date": "来週", "made_to": "山田部長"})
    assert bad_date.status_code == 422
    assert "日付を正しく入力してください" in bad_date.text
    after = web.office.佐藤さん.get(f"/v1/accounts/{account}").json()["version"]
    assert after == before, "nothing written"


def test_a_complaint_and_its_resolution(web: WebOffice) -> None:
    account = record_a_day(web.office)
    assert post(web.佐藤さん, account, "/complaints", {
        "received_at": "2026-11-20T08:00", "subject": "納品遅延", "detail": "2日遅れた",
        "severity": "high"}).status_code == 303
    view = web.office.佐藤さん.get(f"/v1/accounts/{account}").json()
    complaint_id = view["open_complaints"][0]["complaint_id"]
    early = post(web.佐藤さん, account, f"/complaints/{complaint_id}/resolve", {
        "resolved_at": "2026-11-19T10:00", "resolution": "再発防止策で合意"})
    assert early.status_code == 422
    assert "受付より前の日時は記録できません。" in early.text
    done = post(web.佐藤さん, account, f"/complaints/{complaint_id}/resolve", {
        "resolved_at": "2026-11-20T09:50", "resolution": "再発防止策で合意",
        "concession": "次回納品分を3%値引き"})
    assert done.status_code == 303
    again = post(web.佐藤さん, account, f"/complaints/{complaint_id}/resolve", {
        "form_id": "f" * 32, "resolved_at": "2026-11-20T09:55", "resolution": "重ねて"})
    assert again.status_code == 409
    assert "すでに解決済み" in again.text


def test_a_request_and_the_concession(web: WebOffice) -> None:
    account = record_a_day(web.office)
    assert post(web.佐藤さん, account, "/requests", {
        "kind": "discount", "detail": "来期の単価を5%下げてほしい"}).status_code == 303
    page = web.佐藤さん.get(f"/accounts/{account}").text
    request_id = re.search(r"/requests/([0-9a-f-]+)/answer", page)
    assert request_id
    no_concession = post(web.佐藤さん, account, f"/requests/{request_id.group(1)}/answer",
                         {"answer": "partly", "concession": ""})
    assert no_concession.status_code == 422
    assert "譲歩した内容を入力してください" in no_concession.text
    answered = post(web.佐藤さん, account, f"/requests/{request_id.group(1)}/answer",
                    {"answer": "partly", "concession": "値下げ 3% を了承", "note": "課長決裁"})
    assert answered.status_code == 303
    dossier = web.office.佐藤さん.get(f"/v1/accounts/{account}/dossier").json()
    assert [r["precedent"] for r in dossier["precedents"]] == [
        "値下げ: 値下げ 3% を了承 (一部了承, 2026-11)"]


def test_a_promise_kept(web: WebOffice) -> None:
    account = record_a_day(web.office)
    view = web.office.佐藤さん.get(f"/v1/accounts/{account}").json()
    promise_id = view["open_promises"][0]["promise_id"]
    kept = post(web.佐藤さん, account, f"/promises/{promise_id}/close",
                {"outcome": "kept", "note": "メールで送付"})
    assert kept.status_code == 303
    assert web.office.佐藤さん.get(f"/v1/accounts/{account}").json()["open_promises"] == []


def test_a_form_without_its_token_or_from_elsewhere_is_refused(web: WebOffice) -> None:
    account = record_a_day(web.office)
    before = web.office.佐藤さん.get(f"/v1/accounts/{account}").json()["version"]
    visit = {"occurred_at": "2026-11-20T09:45", "purpose": "定期訪問"}
    forged = web.佐藤さん.client.post(f"/accounts/{account}/visits", data=visit)
    assert forged.status_code == 403
    assert "不正な送信" in forged.text
    elsewhere = web.佐藤さん.post(f"/accounts/{account}/visits", visit,
                                 headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 403
    as_json = web.佐藤さん.client.post(f"/accounts/{account}/visits", json=visit)
    assert as_json.status_code in (403, 415)
    assert web.office.佐藤さん.get(f"/v1/accounts/{account}").json()["version"] == before


def test_an_auditor_reads_but_gets_no_forms_and_cannot_post(web: WebOffice) -> None:
    account = record_a_day(web.office)
    page = web.監査の伊藤さん.get(f"/accounts/{account}")
    assert page.status_code == 200
    assert "訪問を記録" not in page.text
    refused = post(web.監査の伊藤さん, account, "/visits", {
        "occurred_at": "2026-11-20T09:45", "purpose": "定期訪問"})
    assert refused.status_code == 403


def test_one_event_is_a_page_of_its_own(web: WebOffice) -> None:
    account = record_a_day(web.office)
    items = web.office.佐藤さん.get(f"/v1/accounts/{account}/history").json()["items"]
    visit = next(i for i in items if i["kind"] == "visit_recorded")
    page = web.佐藤さん.get(f"/accounts/{account}/events/{visit['event_id']}")
    assert page.status_code == 200
    assert "訪問の記録" in page.text and "山田 一郎 部長" in page.text
    assert visit["event_id"] in page.text
    other = web.office.open_yamada()
    assert web.佐藤さん.get(f"/accounts/{other}/events/{visit['event_id']}").status_code == 404


def test_tanaka_starts_a_handover_from_the_page(web: WebOffice) -> None:
    account = record_a_day(web.office)
    to_himself = post(web.田中課長, account, "/handovers", {
        "to_rep_id": "sato", "reason": "担当替え", "effective_at": "2026-12-01T09:00"})
    assert to_himself.status_code == 422
    assert "後任者は今の担当者とは別の人にしてください。" in to_himself.text
    assert not web.office.佐藤さん.get(f"/v1/accounts/{account}").json()["handover"]
    by_a_rep = post(web.佐藤さん, account, "/handovers", {
        "to_rep_id": "suzuki", "reason": "異動", "effective_at": "2026-12-01T09:00"})
    assert by_a_rep.status_code == 403
    started = post(web.田中課長, account, "/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
        "effective_at": "2026-12-01T09:00"})
    assert started.status_code == 303
    handover = web.office.佐藤さん.get(f"/v1/accounts/{account}").json()["handover"]
    assert handover["to_rep_id"] == "suzuki"
    assert handover["effective_at"] == "2026-12-01T09:00:00+09:00"
    successor = web.鈴木さん.get(f"/accounts/{account}")
    assert successor.status_code == 200
    assert "訪問を記録" not in successor.text
    assert "引き継ぎ資料</a>を確認してください" in successor.text
    route = web.鈴木さん.get("/route").text
    assert f'href="/accounts/{account}/dossier"' in route


def test_tanaka_looks_at_satos_route(web: WebOffice) -> None:
    record_a_day(web.office)
    empty = web.田中課長.get("/route")
    assert empty.status_code == 200 and "担当者を選ぶと" in empty.text
    assert '<option value="sato" >佐藤 健</option>' in empty.text, "picked by name, not typed"
    assert '<option value="tanaka"' not in empty.text, "reps only"
    sato = web.田中課長.get("/route?rep=sato&date=2026-11-20")
    assert "（佐藤 健さん）" in sato.text and "カタログを送る" in sato.text


def test_a_choice_that_is_not_offered_is_refused_in_japanese(web: WebOffice) -> None:
    account = record_a_day(web.office)
    odd = post(web.佐藤さん, account, "/visits", {
        "occurred_at": "2026-11-20T09:45", "purpose": "定期訪問", "channel": "pigeon"})
    assert odd.status_code == 422
    assert "選択肢から選んでください。" in odd.text


def test_the_score_is_explained_beside_it_from_the_rules_themselves(web: WebOffice) -> None:
    """A 課長 who doubts 佐藤さん's score opens 「この点数の出し方」 next to it: the weights and
    thresholds there are the scoring's own constants, so the page cannot tell another story."""
    from projections import health_score

    account = record_a_day(web.office)
    text = web.佐藤さん.get(f"/accounts/{account}").text
    explained = text[text.index("この点数の出し方"):text.index('id="warnings"')]
    cadence = round(health_score.WEIGHTS["cadence"] * 100)
    email = round(health_score.CHANNEL_WEIGHTS["email"] * 100)
    assert f"訪問リズム {cadence}%" in explained and f"メール {email}%" in explained
    assert f"{health_score.PROMISE_LATE_ZERO_DAYS}日遅れで0" in explained
    assert f"根拠が{health_score.FULL_EVIDENCE}件未満" in explained and "暫定" in explained
    assert "前任者の期間全体の点数とは比べません" in explained


def test_after_a_visit_the_notice_sits_above_the_new_entry_at_the_top_of_the_timeline(
        web: WebOffice) -> None:
    account = record_a_day(web.office)
    for day in range(60):  # a long history: the oldest entries are far away
        web.office.佐藤さん.post(f"/v1/accounts/{account}/notes", {"text": f"メモ{day}"})
    answer = post(web.佐藤さん, account, "/visits", {
        "occurred_at": "2026-11-20T09:50", "purpose": "定期訪問", "summary": "見積の相談",
        "channel": "in_person"})
    assert answer.headers["location"].endswith("?done=visit#timeline")
    page = web.佐藤さん.get(answer.headers["location"]).text
    timeline = page.split('id="timeline"')[1]
    notice = timeline.index("訪問を記録しました。")
    entries = re.findall(r'<li id="event-[^"]+">\s*<p><span class="kind">([^<]+)</span>([^<]*)',
                         timeline)
    assert entries[0] == ("訪問", "定期訪問: 見積の相談"), "the new visit first"
    assert notice < timeline.index("定期訪問: 見積の相談")
    assert page.count("訪問を記録しました。") == 1, "one notice, beside the entry"


def test_a_kept_promise_entry_names_the_promise(web: WebOffice) -> None:
    account = record_a_day(web.office)
    sato = web.office.佐藤さん
    promises = sato.get(f"/v1/accounts/{account}").json()["open_promises"]
    promise_id = promises[0]["promise_id"]
    assert sato.post(f"/v1/accounts/{account}/promises/{promise_id}/close",
                     {"outcome": "kept", "note": "メールで送付済み"}).status_code == 200
    timeline = web.佐藤さん.get(f"/accounts/{account}").text.split('id="timeline"')[1]
    assert "「カタログを送る」 メールで送付済み" in timeline
