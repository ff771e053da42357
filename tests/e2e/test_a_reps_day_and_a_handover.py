"""佐藤さん's day at 株式会社山田製作所, then the handover to 鈴木さん, over HTTP."""

from __future__ import annotations

from tests.e2e.conftest import Office


def test_a_reps_day(office: Office) -> None:
    account = office.open_yamada()
    sato = office.佐藤さん
    base = f"/v1/accounts/{account}"

    visit = sato.post(f"{base}/visits", {
        "occurred_at": "2026-11-20T09:30:00+09:00", "planned_at": "2026-11-20T09:15:00+09:00",
        "purpose": "定期訪問", "summary": "新ラインの立ち上げで忙しそう",
        "attendees": ["山田 一郎 部長"], "small_talk": True,
        "next_action": "来週までにカタログを送る"})
    assert visit.status_code == 201, visit.text
    assert visit.json()["version"] == 2 and visit.json()["visit_id"]
    assert visit.headers["ETag"] == '"2"'

    promise = sato.post(f"{base}/promises", {"description": "カタログを送る",
                                             "due_date": "2026-11-25", "made_to": "山田部長"})
    assert promise.status_code == 201
    promise_id = promise.json()["promise_id"]
    complaint = sato.post(f"{base}/complaints", {
        "received_at": "2026-11-20T08:00:00+09:00", "subject": "納品遅延", "severity": "high"})
    complaint_id = complaint.json()["complaint_id"]
    assert sato.post(f"{base}/complaints/{complaint_id}/acknowledge",
                     {"note": "電話で受付"}).status_code == 200
    request = sato.post(f"{base}/requests", {"kind": "discount", "detail": "5%下げてほしい"})
    assert sato.post(f"{base}/requests/{request.json()['request_id']}/answer", {
        "answer": "partly", "concession": "値下げ 3% を了承"}).status_code == 200
    assert sato.post(f"{base}/renewals", {
        "renewed_at": "2026-11-20T09:00:00+09:00", "contract_end": "2027-03-31",
        "terms": "年間保守", "annual_value_jpy": 4_800_000}).status_code == 201
    assert sato.post(f"{base}/notes", {"text": "競合A社の話題は禁句", "topic": "taboo"}
                     ).status_code == 201

    view = sato.get(base)
    assert view.status_code == 200
    body = view.json()
    assert view.headers["ETag"] == f'"{body["version"]}"'
    assert body["name"] == "株式会社山田製作所"
    assert body["last_visit_at"] == "2026-11-20T09:30:00+09:00"
    assert body["next_visit_due"] == "2026-12-04"
    assert [p["promise_id"] for p in body["open_promises"]] == [promise_id]
    assert [c["status"] for c in body["open_complaints"]] == ["acknowledged"]
    assert body["contract"]["annual_value_jpy"] == 4_800_000
    assert body["health"]["rep_id"] == "sato"
    assert {"score", "status", "tenures", "warnings"} <= set(body["health"])

    route = sato.get("/v1/reps/me/route", params={"date": "2026-11-20"}).json()
    assert [p["description"] for p in route["promises_due"]] == ["カタログを送る"]
    assert [c["subject"] for c in route["complaints_open"]] == ["納品遅延"]

    assert sato.post(f"{base}/promises/{promise_id}/close", {"outcome": "kept"}
                     ).status_code == 200
    again = sato.post(f"{base}/promises/{promise_id}/close", {"outcome": "broken"})
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")

    history = sato.get(f"{base}/history", params={"limit": 3}).json()
    assert [i["kind"] for i in history["items"]] == [
        "account_opened", "visit_recorded", "promise_made"]
    assert history["items"][1]["data"]["attendees"] == ["山田 一郎 部長"]
    rest = sato.get(f"{base}/history", params={"limit": 500,
                                               "cursor": history["next_cursor"]}).json()
    assert rest["next_cursor"] is None
    assert [i["version"] for i in history["items"] + rest["items"]] == list(
        range(1, body["version"] + 2))
    visits_only = sato.get(f"{base}/history", params={"kind": "visit_recorded"}).json()
    assert [i["kind"] for i in visits_only["items"]] == ["visit_recorded"]

    markdown = sato.get(f"{base}/dossier", headers={"Accept": "text/markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "# 引き継ぎ資料: 株式会社山田製作所" in markdown.text
    assert "値下げ: 値下げ 3% を了承" in markdown.text
    assert "競合A社の話題は禁句" in markdown.text


def test_a_handover_from_sato_to_suzuki(office: Office) -> None:
    account = office.open_yamada()
    base = f"/v1/accounts/{account}"
    sato, suzuki, tanaka = office.佐藤さん, office.鈴木さん, office.田中課長
    assert sato.post(f"{base}/promises", {"description": "年末の在庫確保",
                                          "due_date": "2026-12-20", "made_to": "中村さん"}
                     ).status_code == 201
    assert suzuki.get(base).status_code == 404, "not yet his account"

    started = tanaka.post(f"{base}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
        "effective_at": "2026-12-01T09:00:00+09:00"})
    assert started.status_code == 201, started.text
    handover_id = started.json()["handover_id"]
    assert suzuki.get(base).status_code == 200, "the successor may read from now on"
    assert suzuki.post(f"{base}/visits", {"occurred_at": "2026-11-20T09:00:00+09:00",
                                          "purpose": "挨拶"}).status_code == 403

    dossier = suzuki.get(f"{base}/dossier").json()
    assert [p["description"] for p in dossier["open_promises"]] == ["年末の在庫確保"]
    assert dossier["open_promises"][0]["made_by"] == "sato"

    acknowledged = suzuki.post(f"{base}/handovers/{handover_id}/acknowledge", {})
    assert acknowledged.status_code == 200, acknowledged.text
    assert acknowledged.json()["handover_id"] == handover_id
    frozen = suzuki.get(f"{base}/handovers/{handover_id}/dossier").json()
    assert frozen["acknowledged_by"] == "suzuki"
    assert frozen["dossier"]["open_promises"] == dossier["open_promises"]
    assert sato.post(f"{base}/handovers/{handover_id}/joint-visit", {  # not before it began
        "occurred_at": "2026-11-20T10:00:00+09:00", "note": "同行訪問"}).status_code == 200
    assert suzuki.post(f"{base}/handovers/{handover_id}/complete").status_code == 200

    assert sato.get(base).status_code == 404, "the predecessor loses access"
    assert sato.post(f"{base}/notes", {"text": "最後に一言"}).status_code == 404
    view = suzuki.get(base).json()
    assert view["owner_rep_id"] == "suzuki"
    assert [t["rep_id"] for t in view["health"]["tenures"]] == ["sato", "suzuki"]
    assert view["health"]["status"] == "ramp_up"
    assert suzuki.post(f"{base}/visits", {"occurred_at": "2026-11-20T09:30:00+09:00",
                                          "purpose": "初訪問"}).status_code == 201


def test_an_auditor_reads_the_account_as_it_stood(office: Office) -> None:
    account = office.open_yamada()
    base = f"/v1/accounts/{account}"
    before = office.監査の伊藤さん.get(base).json()
    from datetime import UTC, datetime

    moment = datetime.now(UTC).isoformat()
    office.佐藤さん.post(f"{base}/notes", {"text": "後から書いたメモ"})
    then = office.監査の伊藤さん.get(base, params={"as_of": moment})
    assert then.status_code == 200, then.text
    assert then.json()["version"] == before["version"]
    now = office.監査の伊藤さん.get(base).json()
    assert now["version"] == before["version"] + 1
    assert office.佐藤さん.get(base, params={"as_of": moment}).status_code == 403
