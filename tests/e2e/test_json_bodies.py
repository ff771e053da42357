"""What a write body is read as: JSON only when it says so (415 otherwise, nothing read,
nothing appended), and numbers and dates typed in full-width digits — as a Japanese input
method gives them — read as their half-width equal, while text stays exactly as sent."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import Office

VISIT = {"occurred_at": "2026-11-19T10:00:00+09:00", "purpose": "定期訪問",
         "summary": "新ラインの件", "attendees": [], "small_talk": True}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/jsonx", None])
def test_a_body_that_does_not_say_it_is_json_is_415_and_appends_nothing(
        office: Office, content_type: str | None) -> None:
    base = f"/v1/accounts/{office.open_yamada()}"
    head = office.store.recorder.max_notification_id()
    headers = {} if content_type is None else {"Content-Type": content_type}
    for person, url in ((office.佐藤さん, f"{base}/visits"), (office.田中課長, "/v1/accounts")):
        body = VISIT if url.endswith("visits") else {
            "name": "株式会社鈴木商店", "owner_rep_id": "sato", "visit_cadence_days": 14}
        refused = person.post(url, content=json.dumps(body).encode(), headers=headers)
        assert refused.status_code == 415, (url, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["status"] == 415 and "application/json" in refused.json()["detail"]
    assert office.store.recorder.max_notification_id() == head


def test_json_with_its_charset_is_json(office: Office) -> None:
    base = f"/v1/accounts/{office.open_yamada()}"
    written = office.佐藤さん.post(f"{base}/visits", content=json.dumps(VISIT).encode(),
                                   headers={"Content-Type": "Application/JSON; charset=utf-8"})
    assert written.status_code == 201, written.text


def test_who_may_write_is_decided_before_the_media_type(office: Office) -> None:
    url = f"/v1/accounts/{office.open_yamada()}/visits"
    plain = {"content": json.dumps(VISIT).encode(), "headers": {"Content-Type": "text/plain"}}
    assert office.client.post(url, **plain).status_code == 401
    assert office.監査の伊藤さん.post(url, **plain).status_code == 403
    assert office.高橋さん.post(url, **plain).status_code == 404


def test_a_write_without_a_body_needs_no_media_type(office: Office) -> None:
    base = f"/v1/accounts/{office.open_yamada()}"
    handover = office.田中課長.post(f"{base}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
        "effective_at": "2026-11-20T09:00:00+09:00"}).json()["handover_id"]
    steps = f"{base}/handovers/{handover}"
    missing = office.鈴木さん.client.post(f"{steps}/acknowledge", headers=office.鈴木さん.auth)
    assert missing.status_code == 422, "a body it needs is missing, not of a wrong type"
    assert office.鈴木さん.post(f"{steps}/acknowledge", {}).status_code == 200
    completed = office.鈴木さん.client.post(f"{steps}/complete", headers=office.鈴木さん.auth)
    assert completed.status_code == 200, completed.text


def history_data(office: Office, base: str, kind: str) -> dict[str, Any]:
    items = office.佐藤さん.get(f"{base}/history?kind={kind}").json()["items"]
    return dict(items[-1]["data"])


def test_full_width_numbers_and_dates_are_read_as_half_width_and_text_as_sent(
        office: Office) -> None:
    opened = office.田中課長.post("/v1/accounts", {
        "name": "株式会社山田製作所　第２工場", "owner_rep_id": "sato",
        "visit_cadence_days": "１４", "started_on": "２０２３－０４－０１"})
    assert opened.status_code == 201, opened.text
    base = f"/v1/accounts/{opened.json()['account_id']}"
    view = office.佐藤さん.get(base).json()
    assert view["visit_cadence_days"] == 14
    assert view["name"] == "株式会社山田製作所　第２工場", "text is stored exactly as sent"
    opening = history_data(office, base, "account_opened")
    assert opening["visit_cadence_days"] == 14

    promised = office.佐藤さん.post(f"{base}/promises", {
        "description": "カタログを１２月１０日までに送る", "due_date": "２０２６-１２-１０",
        "made_to": "山田部長", "occurred_at": "２０２６-１１-２０Ｔ０９:００:００＋０９:００"})
    assert promised.status_code == 201, promised.text
    promise = history_data(office, base, "promise_made")
    assert promise["due_date"] == "2026-12-10"
    assert promise["description"] == "カタログを１２月１０日までに送る"

    renewed = office.佐藤さん.post(f"{base}/renewals", {
        "renewed_at": "2026-11-19T10:00:00+09:00", "contract_end": "２０２７-１１-３０",
        "terms": "年額４８０万円、自動更新なし", "annual_value_jpy": "４８０００００"})
    assert renewed.status_code == 201, renewed.text
    renewal = history_data(office, base, "contract_renewed")
    assert (renewal["contract_end"], renewal["annual_value_jpy"]) == ("2027-11-30", 4_800_000)
    assert renewal["terms"] == "年額４８０万円、自動更新なし"


@pytest.mark.parametrize(("field", "value"), [
    ("visit_cadence_days", "十四"), ("visit_cadence_days", "１４日"),
    ("visit_cadence_days", "１．５"), ("visit_cadence_days", "１" * 5000),
    ("started_on", "令和５年４月１日")])
def test_words_are_not_numbers_nor_dates(office: Office, field: str, value: str) -> None:
    body = {"name": "株式会社鈴木商店", "owner_rep_id": "sato", "visit_cadence_days": 14,
            field: value}
    refused = office.田中課長.post("/v1/accounts", body)
    assert refused.status_code == 422, refused.text
    assert [e["loc"] for e in refused.json()["errors"]] == [["body", field]]
