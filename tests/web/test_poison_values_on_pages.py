"""The pages apply the same value rules as the JSON API: a day or instant outside
1900-01-01 … 2200-12-31, a rep id no user could have or a control character is a 4xx page
(never a crash) and records nothing; a textarea's CRLF is text like any other."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.conftest import Office
from tests.web.conftest import WebOffice, WebPerson


def yamada(office: Office) -> str:
    account = office.open_yamada()
    assert office.佐藤さん.post(f"/v1/accounts/{account}/visits", {
        "occurred_at": "2026-11-20T09:30:00+09:00", "purpose": "定期訪問"}).status_code == 201
    return account


def post(person: WebPerson, account: str, path: str, data: dict[str, str]) -> Any:
    return person.post(f"/accounts/{account}{path}", {"form_id": uuid.uuid4().hex, **data},
                       csrf_from=f"/accounts/{account}")


def pages_answer(web: WebOffice, account: str) -> None:
    for person, url in [(web.佐藤さん, "/route"), (web.佐藤さん, f"/accounts/{account}"),
                        (web.佐藤さん, f"/accounts/{account}/dossier"),
                        (web.田中課長, "/route?rep=sato"),
                        (web.監査の伊藤さん, f"/accounts/{account}/audit")]:
        answer = person.get(url)
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_a_route_for_a_day_outside_the_bounds_is_a_400_page(web: WebOffice, day: str) -> None:
    account = yamada(web.office)
    for person in (web.佐藤さん, web.田中課長):
        answer = person.get(f"/route?date={day}&rep=sato")
        assert answer.status_code == 400, answer.text[:300]
        assert "1900-01-01 から 2200-12-31" in answer.text
    pages_answer(web, account)


def test_the_first_and_last_days_have_a_route(web: WebOffice) -> None:
    for day in ("1900-01-01", "2200-12-31"):
        assert web.佐藤さん.get(f"/route?date={day}").status_code == 200


@pytest.mark.parametrize("rep", ["sa%00to", "Sato", "%E4%BD%90%E8%97%A4"])
def test_a_rep_id_no_user_could_have_is_a_400_page(web: WebOffice, rep: str) -> None:
    account = yamada(web.office)
    answer = web.田中課長.get(f"/route?rep={rep}")
    assert answer.status_code == 400, answer.text[:300]
    assert "ユーザーID" in answer.text
    pages_answer(web, account)


@pytest.mark.parametrize("as_of", ["0001-01-01T00:00", "9999-12-31T23:59:59-12:00",
                                   "1899-12-31T23:59"])
def test_an_instant_outside_the_bounds_is_a_400_page(web: WebOffice, as_of: str) -> None:
    account = yamada(web.office)
    for person, path in ((web.田中課長, "dossier"), (web.監査の伊藤さん, "audit")):
        answer = person.get(f"/accounts/{account}/{path}", params={"as_of": as_of})
        assert answer.status_code == 400, (path, answer.text[:300])
    pages_answer(web, account)


def test_odd_cursors_and_event_ids_are_pages_not_crashes(web: WebOffice) -> None:
    account = yamada(web.office)
    sato = web.佐藤さん
    assert sato.get(f"/accounts/{account}", params={"cursor": "²"}).status_code == 200
    for event_id in ("%00", "nope", "12345678-1234-1234-1234-%00"):
        assert sato.get(f"/accounts/{account}/events/{event_id}").status_code == 404


@pytest.mark.parametrize(("path", "data", "field", "message"), [
    ("/visits", {"occurred_at": "0001-01-01T00:00", "purpose": "定期訪問",
                 "channel": "in_person"}, "occurred_at",
     "1900年1月1日から2200年12月31日まで"),
    ("/complaints", {"received_at": "0001-01-01T00:00", "subject": "納品遅延",
                     "severity": "high"}, "received_at", "1900年1月1日から2200年12月31日まで"),
    ("/promises", {"description": "見積書", "due_date": "0001-01-01", "made_to": "山田部長"},
     "due_date", "1900年1月1日から2200年12月31日まで"),
    ("/visits", {"occurred_at": "2026-11-20T09:00", "purpose": "定期\u0000訪問",
                 "channel": "in_person"}, "purpose",
     "制御文字"),
])
def test_a_form_with_a_value_no_view_could_hold_is_422_next_to_the_field(
        web: WebOffice, path: str, data: dict[str, str], field: str, message: str) -> None:
    account = yamada(web.office)
    head = web.office.store.recorder.max_notification_id()
    answer = post(web.佐藤さん, account, path, data)
    assert answer.status_code == 422, answer.text[:300]
    assert message in answer.text
    assert web.office.store.recorder.max_notification_id() == head
    pages_answer(web, account)


def test_a_handover_to_no_user_id_says_so(web: WebOffice) -> None:
    account = yamada(web.office)
    head = web.office.store.recorder.max_notification_id()
    answer = post(web.田中課長, account, "/handovers", {
        "to_rep_id": "鈴木", "reason": "異動", "effective_at": "2026-12-01T09:00"})
    assert answer.status_code == 422, answer.text[:300]
    assert "ユーザーID（英小文字・数字・_ . -、64文字まで）で入力してください。" in answer.text
    assert web.office.store.recorder.max_notification_id() == head


def test_a_textarea_sends_crlf_and_it_is_kept(web: WebOffice) -> None:
    account = yamada(web.office)
    answer = post(web.佐藤さん, account, "/visits", {
        "occurred_at": "2026-11-20T09:45", "purpose": "定期訪問", "channel": "in_person",
        "summary": "新ラインの件\r\n山田部長は忙しそう"})
    assert answer.status_code == 303, answer.text[:300]
    items = web.office.佐藤さん.get(f"/v1/accounts/{account}/history",
                                    params={"kind": "visit_recorded"}).json()["items"]
    assert items[-1]["data"]["summary"] == "新ラインの件\r\n山田部長は忙しそう"
