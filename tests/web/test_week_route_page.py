"""佐藤さん switches his route page from the day to the week: business days only, the promise
due on 勤労感謝の日 on the Friday before, each stop with what to keep in mind."""

from __future__ import annotations

from tests.web.conftest import WebOffice


def test_sato_switches_to_the_week_and_sees_business_days_with_a_brief(
        web: WebOffice) -> None:
    office = web.office
    opened = office.田中課長.post("/v1/accounts", {
        "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": 14,
        "started_on": "2026-04-01"})
    account = opened.json()["account_id"]
    base = f"/v1/accounts/{account}"
    sato = office.佐藤さん
    for when in ("2026-10-20T10:15:00+09:00", "2026-10-27T10:30:00+09:00",
                 "2026-11-10T10:05:00+09:00"):
        assert sato.post(f"{base}/visits", {"occurred_at": when, "purpose": "定期訪問"}
                         ).status_code == 201
    assert sato.post(f"{base}/notes", {"text": "前任の値上げの話", "topic": "taboo"}
                     ).status_code == 201
    assert sato.post(f"{base}/promises", {"description": "カタログを送る",
                                          "due_date": "2026-11-23", "made_to": "山田部長"}
                     ).status_code == 201
    day = web.佐藤さん.get("/route?date=2026-11-20").text
    assert 'href="/route?span=week&amp;date=2026-11-20"' in day, "the switch to the week"
    page = web.佐藤さん.get("/route?span=week&date=2026-11-20")
    assert page.status_code == 200
    text = page.text
    assert "<h1>今週のルート" in text, "the clock says it is 2026-11-20"
    days = [text.index(f'id="day-{d}"') for d in ("2026-11-20", "2026-11-24", "2026-11-25",
                                                   "2026-11-26", "2026-11-27")]
    assert days == sorted(days)
    assert 'id="day-2026-11-23"' not in text and 'id="day-2026-11-21"' not in text
    assert "2026年11月23日(月) 勤労感謝の日" in text, "the days off, named"
    friday = text[days[0]:days[1]]
    assert "カタログを送る" in friday and "勤労感謝の日）から前倒し" in friday
    tuesday = text[days[1]:days[2]]  # last visit 11/10 + 14 = 11/24
    assert "株式会社山田製作所" in tuesday and "火曜10時台" in tuesday
    assert "禁句" in tuesday and "前任の値上げの話" in tuesday
    assert f'href="/accounts/{account}#record"' in tuesday, "the visit form a tap away"
    assert 'aria-current="page">週（営業日）' in text
