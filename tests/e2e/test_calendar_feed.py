"""佐藤さん subscribes his phone's calendar to Tsunagi: a secret URL (a new one revokes the
old), read with no Authorization, RFC 5545 as the icalendar library writes and parses it —
the visit to 株式会社山田製作所 on the business day it comes up, in its usual hour; the
promise on its due day; the contract's end; the handover review — with UIDs that stay put."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import icalendar

from tests.e2e.conftest import Office


def subscribe(office: Office) -> str:
    answer = office.佐藤さん.post("/v1/users/me/calendar")
    assert answer.status_code == 201, answer.text
    url: str = answer.json()["url"]
    assert url.startswith("http") and "/v1/calendars/sato." in url
    return url.removeprefix(str(office.client.base_url))


def events(office: Office, path: str) -> dict[str, Any]:
    answer = office.client.get(path)  # no Authorization: a calendar app
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/calendar")
    body = answer.content
    assert all(line.endswith(b"\r") for line in body.split(b"\n")[:-1]), "CRLF line ends"
    assert max(len(line) for line in body.split(b"\r\n")) <= 75, "folded at 75 octets"
    feed = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in feed.walk("VEVENT")}


def yamada_with_habits(office: Office) -> str:
    opened = office.田中課長.post("/v1/accounts", {
        "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": 15,
        "started_on": "2026-04-01"})
    account = str(opened.json()["account_id"])
    base, sato = f"/v1/accounts/{account}", office.佐藤さん
    for when in ("2026-10-27T10:15:00+09:00", "2026-11-10T10:40:00+09:00",
                 "2026-11-17T10:05:00+09:00"):  # Tuesdays, in the 10 o'clock hour
        assert sato.post(f"{base}/visits", {"occurred_at": when, "purpose": "定期訪問"}
                         ).status_code == 201
    assert sato.post(f"{base}/notes", {"text": "前任の値上げの話は禁句" * 4, "topic": "taboo"}
                     ).status_code == 201
    assert sato.post(f"{base}/promises", {"description": "カタログを送る", "due_date":
                                          "2026-11-27", "made_to": "山田部長"}).status_code == 201
    assert sato.post(f"{base}/renewals", {
        "renewed_at": "2026-04-01T10:00:00+09:00", "contract_end": "2027-03-31",
        "terms": "年間保守", "annual_value_jpy": 5040000}).status_code == 201
    return account


def test_sato_subscribes_and_his_calendar_app_reads_his_accounts(office: Office) -> None:
    account = yamada_with_habits(office)
    path = subscribe(office)
    found = events(office, path)
    visit = found[f"visit-{account}@tsunagi"]
    # last visit Tue 11/17 + 15 days = Wed 12/2, a business day; the usual hour is 10時台
    assert visit.decoded("DTSTART") == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    assert str(visit["SUMMARY"]) == "訪問: 株式会社山田製作所"
    assert "禁句: 前任の値上げの話は禁句" in str(visit["DESCRIPTION"])
    promises = [e for uid, e in found.items() if uid.startswith("promise-")]
    assert [e.decoded("DTSTART") for e in promises] == [date(2026, 11, 27)]
    assert found[f"contract-{account}@tsunagi"].decoded("DTSTART") == date(2027, 3, 31)
    again = events(office, path)
    assert set(again) == set(found), "the same UIDs: calendar apps update, not duplicate"


def test_a_visit_due_on_a_holiday_comes_up_the_business_day_before(office: Office) -> None:
    opened = office.田中課長.post("/v1/accounts", {
        "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": 14,
        "started_on": "2026-04-01"})
    account = str(opened.json()["account_id"])
    assert office.佐藤さん.post(f"/v1/accounts/{account}/visits", {
        "occurred_at": "2026-11-09T14:00:00+09:00", "purpose": "定期訪問"}).status_code == 201
    found = events(office, subscribe(office))
    visit = found[f"visit-{account}@tsunagi"]  # due 11/23 勤労感謝の日 → Fri 11/20, all day
    assert visit.decoded("DTSTART") == date(2026, 11, 20)


def test_a_new_url_revokes_the_old_and_an_unknown_one_is_not_found(office: Office) -> None:
    office.open_yamada()
    first = subscribe(office)
    second = subscribe(office)
    assert first != second
    assert office.client.get(first).status_code == 404
    assert office.client.get(second).status_code == 200
    for unknown in ("/v1/calendars/sato.nothing.ics", "/v1/calendars/nobody.x.ics",
                    "/v1/calendars/.ics"):
        answer = office.client.get(unknown)
        assert answer.status_code == 404, unknown
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_only_a_rep_subscribes(office: Office) -> None:
    assert office.client.post("/v1/users/me/calendar").status_code == 401
    assert office.監査の伊藤さん.post("/v1/users/me/calendar").status_code == 403


def test_the_handover_review_is_in_both_reps_calendars_until_held(office: Office) -> None:
    account = office.open_yamada()
    base = f"/v1/accounts/{account}"
    handover = office.田中課長.post(f"{base}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
        "effective_at": "2026-12-01T09:00:00+09:00"}).json()["handover_id"]
    assert office.田中課長.post(f"{base}/handovers/{handover}/checkpoint", {
        "checkpoint_on": "2027-03-01", "note": "90日後の振り返り"}).status_code == 200
    found = events(office, subscribe(office))
    [review] = [e for uid, e in found.items() if uid.startswith("checkpoint-")]
    assert review.decoded("DTSTART") == date(2027, 3, 1)
    assert str(review["SUMMARY"]) == "引き継ぎの振り返り: 株式会社山田製作所"
    successor = office.鈴木さん.post("/v1/users/me/calendar").json()["url"]
    theirs = events(office, successor.removeprefix(str(office.client.base_url)))
    assert str(review["UID"]) in theirs
    assert not any(uid.startswith("visit-") for uid in theirs), "not his visit yet"
