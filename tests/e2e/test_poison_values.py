"""Values no view can hold are refused at the door: dates outside 1900-01-01 … 2200-12-31
(in bodies and in query parameters), control characters in text and ids. Each refusal is a
4xx problem naming the field, appends nothing, and every read still answers afterwards —
while the extreme values inside the bounds are recorded and read back like any other."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Office, Person

YEAR_ONE_IN_TOKYO = "0001-01-01T00:00:00+09:00"
LAST_SECOND_OF_9999_WEST = "9999-12-31T23:59:59-12:00"
FIRST_INSTANT = "1900-01-01T00:00:00+14:00"
LAST_INSTANT = "2200-12-31T23:59:59-12:00"
VISIT = {"occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問"}


def problem_naming(response: Any, *loc: str, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert any([str(part) for part in error["loc"]][:len(loc)] == list(loc)
               for error in body["errors"]), body
    return body


def every_read_answers(office: Office, account: str) -> None:
    tanaka, sato = office.田中課長, office.佐藤さん
    for person, url, headers in [
        (sato, f"/v1/accounts/{account}", {}),
        (sato, "/v1/accounts", {}),
        (sato, f"/v1/accounts/{account}/history", {}),
        (sato, f"/v1/accounts/{account}/dossier", {}),
        (sato, f"/v1/accounts/{account}/dossier", {"Accept": "text/markdown"}),
        (sato, "/v1/reps/me/route", {}),
        (tanaka, "/v1/reps/sato/route", {}),
        (tanaka, f"/v1/accounts/{account}?as_of=2100-01-01T00:00:00%2B09:00", {}),
        (office.監査の伊藤さん, f"/v1/audit/verify?account_id={account}", {}),
    ]:
        answer = person.get(url, headers=headers)
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])


@pytest.fixture
def yamada(office: Office) -> str:
    """株式会社山田製作所, 佐藤さん's, with a visit and a promise on it."""
    account = office.open_yamada()
    sato = office.佐藤さん
    assert sato.post(f"/v1/accounts/{account}/visits", VISIT).status_code == 201
    assert sato.post(f"/v1/accounts/{account}/promises", {
        "description": "カタログを送る", "due_date": "2026-11-27", "made_to": "山田部長",
    }).status_code == 201
    return account


def first_event_id(person: Person, account: str, kind: str) -> str:
    items = person.get(f"/v1/accounts/{account}/history", params={"kind": kind}).json()["items"]
    return str(items[0]["event_id"])


POISON_WRITES: list[tuple[str, str, dict[str, Any], tuple[str, ...]]] = [
    ("佐藤さん", "visits", {**VISIT, "occurred_at": YEAR_ONE_IN_TOKYO}, ("body", "occurred_at")),
    ("佐藤さん", "visits", {**VISIT, "occurred_at": "1899-12-31T23:59:59+00:00"},
     ("body", "occurred_at")),
    ("佐藤さん", "visits", {**VISIT, "planned_at": LAST_SECOND_OF_9999_WEST},
     ("body", "planned_at")),
    ("佐藤さん", "visits", {**VISIT, "summary": "新ラインの件\u0000"}, ("body", "summary")),
    ("佐藤さん", "visits", {**VISIT, "attendees": ["山田\u001b[2J部長"]}, ("body",)),
    ("佐藤さん", "visits", {**VISIT, "purpose": "定期\r訪問"}, ("body", "purpose")),
    ("佐藤さん", "complaints", {"received_at": YEAR_ONE_IN_TOKYO, "subject": "納品遅延"},
     ("body", "received_at")),
    ("佐藤さん", "promises", {"description": "見積書", "due_date": "0001-01-01",
                            "made_to": "山田部長"}, ("body", "due_date")),
    ("佐藤さん", "promises", {"description": "見積書", "due_date": "2201-01-01",
                            "made_to": "山田部長"}, ("body", "due_date")),
    ("佐藤さん", "promises", {"description": "見積書", "due_date": "2026-11-27",
                            "made_to": "山田\u0000部長"}, ("body", "made_to")),
    ("佐藤さん", "renewals", {"renewed_at": "2026-11-20T09:00:00+09:00",
                            "contract_end": "9999-12-31", "terms": "", "annual_value_jpy": 1},
     ("body", "contract_end")),
    ("佐藤さん", "notes", {"text": "注意\u0007"}, ("body", "text")),
    ("田中課長", "handovers", {"to_rep_id": "suzuki", "reason": "異動",
                            "effective_at": LAST_SECOND_OF_9999_WEST}, ("body", "effective_at")),
    ("田中課長", "handovers", {"to_rep_id": "su\u0000zuki", "reason": "異動",
                            "effective_at": "2026-12-01T09:00:00+09:00"}, ("body", "to_rep_id")),
]


@pytest.mark.parametrize(("who", "path", "body", "loc"), POISON_WRITES,
                         ids=[f"{p}-{'.'.join(loc)}-{i}" for i, (_, p, _, loc)
                              in enumerate(POISON_WRITES)])
def test_a_value_no_view_could_hold_is_422_naming_it_and_nothing_is_appended(
        office: Office, yamada: str, who: str, path: str, body: dict[str, Any],
        loc: tuple[str, ...]) -> None:
    person: Person = getattr(office, who)
    head = office.store.recorder.max_notification_id()
    version = office.佐藤さん.get(f"/v1/accounts/{yamada}").headers["ETag"]
    problem_naming(person.post(f"/v1/accounts/{yamada}/{path}", body), *loc)
    assert office.store.recorder.max_notification_id() == head
    assert office.佐藤さん.get(f"/v1/accounts/{yamada}").headers["ETag"] == version
    every_read_answers(office, yamada)


def test_a_correction_to_year_one_is_refused(office: Office, yamada: str) -> None:
    sato = office.佐藤さん
    head = office.store.recorder.max_notification_id()
    for kind, corrections in (("visit_recorded", {"occurred_at": YEAR_ONE_IN_TOKYO}),
                              ("promise_made", {"due_date": "9999-12-31"})):
        problem_naming(sato.post(f"/v1/accounts/{yamada}/corrections", {
            "corrected_event_id": first_event_id(sato, yamada, kind),
            "corrections": corrections, "reason": "誤記"}),
            "body", "corrections", next(iter(corrections)))
    assert office.store.recorder.max_notification_id() == head
    every_read_answers(office, yamada)


def test_an_owner_with_a_nul_in_the_id_is_refused(office: Office, yamada: str) -> None:
    head = office.store.recorder.max_notification_id()
    for owner in ("sa\u0000to", "Sato", "sato\n", ""):
        problem_naming(office.田中課長.post("/v1/accounts", {
            "name": "株式会社鈴木商店", "owner_rep_id": owner, "visit_cadence_days": 14}),
            "body", "owner_rep_id")
    assert office.store.recorder.max_notification_id() == head
    every_read_answers(office, yamada)


@pytest.mark.parametrize("user_id", ["admin", "cli", "Sato", "sa\u0000to", "..", "a" * 65])
def test_a_user_id_of_another_shape_or_reserved_is_422(office: Office, user_id: str) -> None:
    head = office.store.recorder.max_notification_id()
    problem_naming(office.admin.post("/v1/users", {"user_id": user_id, "name": "管理者",
                                                   "role": "rep"}), "body", "user_id")
    assert office.store.recorder.max_notification_id() == head


def test_a_user_id_of_the_contracts_shape_is_registered(office: Office) -> None:
    for user_id in ("k.sato-2", "_svc", "a" * 64):
        answer = office.admin.post("/v1/users", {"user_id": user_id, "name": "佐藤 健",
                                                 "role": "rep"})
        assert answer.status_code == 201, answer.text


POISON_QUERIES: list[tuple[str, str, dict[str, str], str]] = [
    ("佐藤さん", "/history", {"from": YEAR_ONE_IN_TOKYO}, "from"),
    ("佐藤さん", "/history", {"to": LAST_SECOND_OF_9999_WEST}, "to"),
    ("佐藤さん", "/history", {"from": "1899-12-31T23:59:59Z"}, "from"),
    ("田中課長", "", {"as_of": YEAR_ONE_IN_TOKYO}, "as_of"),
    ("監査の伊藤さん", "", {"as_of": LAST_SECOND_OF_9999_WEST}, "as_of"),
    ("田中課長", "/dossier", {"as_of": YEAR_ONE_IN_TOKYO}, "as_of"),
    ("監査の伊藤さん", "/dossier", {"as_of": LAST_SECOND_OF_9999_WEST}, "as_of"),
]


@pytest.mark.parametrize(("who", "path", "params", "name"), POISON_QUERIES)
def test_a_query_instant_outside_the_bounds_is_422_naming_it(
        office: Office, yamada: str, who: str, path: str, params: dict[str, str],
        name: str) -> None:
    person: Person = getattr(office, who)
    problem_naming(person.get(f"/v1/accounts/{yamada}{path}", params=params), "query", name)
    every_read_answers(office, yamada)


@pytest.mark.parametrize("day", ["9999-12-31", "2201-01-01", "1899-12-31", "0001-01-01"])
def test_a_route_for_a_day_outside_the_bounds_is_422(office: Office, yamada: str,
                                                     day: str) -> None:
    problem_naming(office.佐藤さん.get("/v1/reps/me/route", params={"date": day}),
                   "query", "date")
    problem_naming(office.田中課長.get("/v1/reps/sato/route", params={"date": day}),
                   "query", "date")
    every_read_answers(office, yamada)


@pytest.mark.parametrize("rep", ["%00", "sa%00to", "Sato", "%E4%BD%90%E8%97%A4", "a" * 65])
def test_a_rep_id_no_user_could_have_is_422_naming_it(office: Office, yamada: str,
                                                      rep: str) -> None:
    problem_naming(office.田中課長.get(f"/v1/reps/{rep}/route"), "path", "rep_id")
    every_read_answers(office, yamada)


def test_a_rep_nobody_is_has_no_route_and_a_rep_with_no_accounts_an_empty_one(
        office: Office) -> None:
    answer = office.田中課長.get("/v1/reps/nobody/route", params={"date": "2026-11-24"})
    assert answer.status_code == 404, answer.text
    quiet = office.田中課長.get("/v1/reps/takahashi/route", params={"date": "2026-11-24"})
    assert quiet.status_code == 200 and quiet.json()["visits_due"] == [], quiet.text


def test_the_first_and_last_days_are_recorded_and_every_view_answers(office: Office) -> None:
    """The bounds hold after what views do with a value (to UTC, + cadence, a week ahead)."""
    account = office.open_yamada()
    tanaka, sato, suzuki = office.田中課長, office.佐藤さん, office.鈴木さん
    base = f"/v1/accounts/{account}"
    for path, body in [
        ("visits", {**VISIT, "occurred_at": FIRST_INSTANT}),
        ("promises", {"description": "百年後の約束", "due_date": "2200-12-31",
                      "made_to": "山田部長"}),
        ("promises", {"description": "昔の約束", "due_date": "1900-01-01",
                      "made_to": "山田部長"}),
        ("complaints", {"received_at": FIRST_INSTANT, "subject": "納品遅延"}),
        ("renewals", {"renewed_at": FIRST_INSTANT, "contract_end": "2200-12-31", "terms": "",
                      "annual_value_jpy": 1}),
    ]:
        answer = sato.post(f"{base}/{path}", body)
        assert answer.status_code == 201, (path, answer.text)
    handover = tanaka.post(f"{base}/handovers", {"to_rep_id": "suzuki", "reason": "異動",
                                                 "effective_at": LAST_INSTANT})
    assert handover.status_code == 201, handover.text
    steps = f"{base}/handovers/{handover.json()['handover_id']}"
    assert tanaka.post(f"{steps}/checkpoint", {"checkpoint_on": "2200-12-31"}).status_code == 200
    assert sato.post(f"{base}/corrections", {
        "corrected_event_id": first_event_id(sato, account, "visit_recorded"),
        "corrections": {"occurred_at": "1900-01-01T00:00:00+23:59"}, "reason": "誤記",
    }).status_code == 201

    every_read_answers(office, account)
    for person, url, params in [
        (sato, f"{base}/history", {"from": FIRST_INSTANT, "to": LAST_INSTANT}),
        (tanaka, base, {"as_of": LAST_INSTANT}),
        (tanaka, f"{base}/dossier", {"as_of": LAST_INSTANT, "as_of_basis": "occurred"}),
        (sato, "/v1/reps/me/route", {"date": "2200-12-31"}),
        (sato, "/v1/reps/me/route", {"date": "1900-01-01"}),
        (suzuki, "/v1/reps/me/route", {"date": "2200-12-31"}),
        (suzuki, f"{base}/dossier", {}),
    ]:
        answer = person.get(url, params=params)
        assert answer.status_code == 200, (url, params, answer.text[:300])
    history = sato.get(f"{base}/history", params={"from": FIRST_INSTANT, "to": LAST_INSTANT})
    assert len(history.json()["items"]) >= 7
    before_it_existed = tanaka.get(base, params={"as_of": FIRST_INSTANT})
    assert before_it_existed.status_code == 404
