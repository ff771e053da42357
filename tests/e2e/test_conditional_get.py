"""A client that already holds 株式会社山田製作所 asks again with If-None-Match: 304 and no
body while nothing has been recorded since (account, dossier, history), the whole answer
again once 佐藤さん records a visit; access is decided first, as on every read."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Office, Person

VISIT = {"occurred_at": "2026-11-19T10:00:00+09:00", "purpose": "定期訪問",
         "summary": "新ラインの件で忙しそう", "attendees": ["山田 一郎 部長"],
         "small_talk": True}
READS = ["", "/dossier", "/history?limit=50&kind=visit_recorded"]


def not_modified(person: Person, url: str, sent: str, current: str) -> None:
    again = person.get(url, headers={"If-None-Match": sent})
    assert again.status_code == 304, again.text
    assert again.content == b""
    assert again.headers["etag"] == current


@pytest.mark.parametrize("read", READS)
def test_a_copy_still_current_is_304_until_something_is_recorded(office: Office,
                                                                  read: str) -> None:
    base = f"/v1/accounts/{office.open_yamada()}"
    sato = office.佐藤さん
    first = sato.get(base + read)
    assert first.status_code == 200 and first.headers["etag"] == '"1"'
    for sent in ('"1"', 'W/"1"', '"7", "1"', "*"):
        not_modified(sato, base + read, sent, '"1"')
    assert sato.get(base + read, headers={"If-None-Match": '"7"'}).status_code == 200

    assert sato.post(f"{base}/visits", VISIT).status_code == 201
    after = sato.get(base + read, headers={"If-None-Match": '"1"'})
    assert after.status_code == 200 and after.headers["etag"] == '"2"'
    assert "新ラインの件で忙しそう" in after.text or read == ""
    not_modified(sato, base + read, '"2"', '"2"')


def test_the_account_read_after_a_visit_shows_it_and_its_tag_is_the_write_s(
        office: Office) -> None:
    base = f"/v1/accounts/{office.open_yamada()}"
    written = office.佐藤さん.post(f"{base}/visits", VISIT)
    view = office.佐藤さん.get(base, headers={"If-None-Match": '"1"'})
    assert view.status_code == 200
    assert view.headers["etag"] == written.headers["etag"] == '"2"'
    assert view.json()["last_visit_at"] == "2026-11-19T10:00:00+09:00"


def test_a_tag_never_tells_someone_who_may_not_read_the_account_that_it_exists(
        office: Office) -> None:
    base = f"/v1/accounts/{office.open_yamada()}"
    for read in READS:
        refused = office.高橋さん.get(base + read, headers={"If-None-Match": '"1"'})
        assert refused.status_code == 404, read
        assert office.client.get(base + read,
                                 headers={"If-None-Match": '"1"'}).status_code == 401


def test_the_printed_dossier_is_not_answered_by_the_json_one_s_tag(office: Office) -> None:
    base = f"/v1/accounts/{office.open_yamada()}"
    printed = office.佐藤さん.get(f"{base}/dossier", headers={
        "Accept": "text/markdown", "If-None-Match": '"1"'})
    assert printed.status_code == 200
    assert printed.text.startswith("# 引き継ぎ資料")
    assert printed.headers["vary"] == "Accept"


def test_openapi_declares_the_etag_and_the_304(office: Office) -> None:
    paths = office.client.get("/openapi.json").json()["paths"]
    for path in ("/v1/accounts/{account_id}", "/v1/accounts/{account_id}/dossier",
                 "/v1/accounts/{account_id}/history"):
        operation = paths[path]["get"]
        assert "ETag" in operation["responses"]["200"]["headers"], path
        assert "ETag" in operation["responses"]["304"]["headers"], path
        assert "if-none-match" in {p["name"].lower() for p in operation["parameters"]}, path
