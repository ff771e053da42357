"""佐藤さん plans his week (週のルート) for 株式会社山田製作所 and the rest: business days only —
no Saturday, Sunday, 勤労感謝の日 or 年末年始 — and what falls due on a day off comes up the
business day before, with what to keep in mind at the door."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Office, Person

BASE = "/v1/reps/me/route"


def open_yamada_since_april(office: Office, cadence: int = 14) -> str:
    response = office.田中課長.post("/v1/accounts", {
        "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": cadence,
        "started_on": "2026-04-01"})
    assert response.status_code == 201, response.text
    return str(response.json()["account_id"])


def week(person: Person, on: str, days: int) -> dict[str, Any]:
    answer = person.get(BASE, params={"date": on, "days": days})
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def items_by_day(route: dict[str, Any], kind: str) -> dict[str, list[dict[str, Any]]]:
    return {day["date"]: [i for i in day["items"] if i["kind"] == kind] for day in route["days"]}


def test_a_promise_due_on_labour_thanksgiving_day_comes_up_the_friday_before(
        office: Office) -> None:
    account = open_yamada_since_april(office)
    sato = office.佐藤さん
    made = sato.post(f"/v1/accounts/{account}/promises", {
        "description": "カタログを送る", "due_date": "2026-11-23", "made_to": "山田部長"})
    assert made.status_code == 201, made.text
    route = week(sato, "2026-11-20", 5)
    assert [d["date"] for d in route["days"]] == [
        "2026-11-20", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]
    assert route["closed_days"] == [
        {"date": "2026-11-21", "reason": "土曜日"}, {"date": "2026-11-22", "reason": "日曜日"},
        {"date": "2026-11-23", "reason": "勤労感謝の日"},
        {"date": "2026-11-28", "reason": "土曜日"}, {"date": "2026-11-29", "reason": "日曜日"},
    ], "the weekend after the last day too: what falls due then comes up on Friday"
    promises = items_by_day(route, "promise")
    assert [p["description"] for p in promises["2026-11-20"]] == ["カタログを送る"]
    friday = promises["2026-11-20"][0]
    assert friday["account_id"] == account
    assert friday["due_on"] == "2026-11-23" and friday["moved_because"] == "勤労感謝の日"
    assert all(not promises[day] for day in promises if day != "2026-11-20")
    assert all(item["account_id"] for day in route["days"] for item in day["items"])


def test_a_visit_due_on_a_saturday_is_planned_for_the_friday_with_a_brief(
        office: Office) -> None:
    account = open_yamada_since_april(office, cadence=18)
    sato, base = office.佐藤さん, f"/v1/accounts/{account}"
    for when in ("2026-10-27T10:15:00+09:00", "2026-11-10T10:40:00+09:00",
                 "2026-11-17T10:05:00+09:00"):  # Tuesdays, in the 10 o'clock hour
        answer = sato.post(f"{base}/visits", {"occurred_at": when, "purpose": "定期訪問",
                                              "small_talk": True})
        assert answer.status_code == 201, answer.text
    for body in ({"text": "月末は検収で忙しいので訪問は避ける", "topic": "caution"},
                 {"text": "前任の値上げの話は禁句", "topic": "taboo", "kind": "opinion"},
                 {"text": "部長はゴルフ好き", "topic": "general"}):
        assert sato.post(f"{base}/notes", body).status_code == 201
    asked = sato.post(f"{base}/requests",
                      {"kind": "discount", "detail": "来期の単価を5%下げてほしい"})
    assert asked.status_code == 201
    assert sato.post(f"{base}/renewals", {
        "renewed_at": "2026-04-01T10:00:00+09:00", "contract_end": "2027-03-31",
        "terms": "年間保守", "annual_value_jpy": 5040000}).status_code == 201
    assert sato.post(f"{base}/promises", {"description": "見積を送る", "due_date": "2026-12-10",
                                          "made_to": "中村さん"}).status_code == 201
    # last visit Tue 11/17 + 18 days = Sat 12/5: planned for Fri 12/4
    route = week(sato, "2026-11-30", 5)
    assert [d["date"] for d in route["days"]] == [
        "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
    visits = items_by_day(route, "visit")
    assert not any(visits[day] for day in visits if day != "2026-12-04")
    [stop] = visits["2026-12-04"]
    assert stop["account_id"] == account and stop["name"] == "株式会社山田製作所"
    assert stop["due_on"] == "2026-12-05" and stop["moved_because"] == "土曜日"
    assert stop["preferred_window"]["label"] == "火曜10時台"
    assert [(c["topic"], c["text"]) for c in stop["cautions"]] == [
        ("caution", "月末は検収で忙しいので訪問は避ける"), ("taboo", "前任の値上げの話は禁句")]
    assert [p["description"] for p in stop["open_promises"]] == ["見積を送る"]
    assert [r["detail"] for r in stop["requests_unanswered"]] == ["来期の単価を5%下げてほしい"]
    assert stop["contract"]["contract_end"] == "2027-03-31"
    assert stop["contract"]["days_left"] == 117  # from Fri 12/4 to 3/31
    assert all(stop["cautions"][0]["event_ids"] for stop in visits["2026-12-04"])


def test_the_year_end_holidays_are_skipped(office: Office) -> None:
    open_yamada_since_april(office)
    route = week(office.佐藤さん, "2026-12-25", 3)
    assert [d["date"] for d in route["days"]] == ["2026-12-25", "2026-12-28", "2027-01-04"]
    closed = {d["date"]: d["reason"] for d in route["closed_days"]}
    assert closed["2026-12-29"] == "会社休日" and closed["2026-12-31"] == "会社休日"
    assert closed["2027-01-01"] == "元日"
    assert closed["2027-01-02"] == "土曜日"


def test_an_overdue_visit_comes_first_and_a_day_off_starts_on_the_next_business_day(
        office: Office) -> None:
    account = open_yamada_since_april(office)
    sato = office.佐藤さん
    answer = sato.post(f"/v1/accounts/{account}/visits", {
        "occurred_at": "2026-11-02T14:00:00+09:00", "purpose": "定期訪問"})
    assert answer.status_code == 201
    route = week(sato, "2026-11-21", 2)  # a Saturday
    assert [d["date"] for d in route["days"]] == ["2026-11-24", "2026-11-25"]
    [stop] = items_by_day(route, "visit")["2026-11-24"]
    assert stop["due_on"] == "2026-11-16" and stop["overdue_days"] == 8
    assert stop["moved_because"] is None and stop["preferred_window"] is None


def test_days_out_of_bounds_are_refused_and_without_days_the_day_is_as_before(
        office: Office) -> None:
    sato = office.佐藤さん
    for days in (0, 15, "x"):
        answer = sato.get(BASE, params={"date": "2026-11-20", "days": days})
        assert answer.status_code == 422, days
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "days" in answer.text
    day = sato.get(BASE, params={"date": "2026-11-20"}).json()
    assert set(day) == {"rep_id", "visits_due", "promises_due", "complaints_open", "handovers",
                        "date"}


def test_tanaka_looks_at_satos_week_as_sato_sees_it(office: Office) -> None:
    """田中課長 plans with 佐藤さん: sato's next five business days, the same answer sato
    gets; another rep (鈴木さん) cannot ask for it, and a rep nobody registered is 404."""
    account = open_yamada_since_april(office)
    assert office.佐藤さん.post(f"/v1/accounts/{account}/visits", {
        "occurred_at": "2026-11-17T10:05:00+09:00", "purpose": "定期訪問"}).status_code == 201
    asked = {"date": "2026-11-30", "days": 5}
    by_tanaka = office.田中課長.get("/v1/reps/sato/route", params=asked)
    assert by_tanaka.status_code == 200, by_tanaka.text
    assert by_tanaka.json() == week(office.佐藤さん, "2026-11-30", 5)
    assert [d["date"] for d in by_tanaka.json()["days"]][-1] == "2026-12-04"
    assert office.鈴木さん.get("/v1/reps/sato/route", params=asked).status_code == 403
    assert office.田中課長.get("/v1/reps/nobody/route", params=asked).status_code == 404
    assert office.田中課長.get("/v1/reps/sato/route",
                              params={**asked, "days": 15}).status_code == 422
