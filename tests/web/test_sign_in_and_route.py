"""佐藤さん signs in with his token and sees 今日のルート; strangers are sent to sign in."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.e2e.conftest import ADMIN_TOKEN, Office
from tests.web.conftest import WebOffice, sign_in


def test_a_stranger_is_sent_to_the_sign_in_page(office: Office) -> None:
    browser = TestClient(office.client.app, follow_redirects=False)
    answer = browser.get("/route?date=2026-11-20")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/route%3Fdate%3D2026-11-20"
    page = browser.get(answer.headers["location"])
    assert page.status_code == 200
    assert '<html lang="ja">' in page.text
    assert '<label for="token">トークン</label>' in page.text


def test_signing_in_sets_a_strict_http_only_cookie_and_goes_where_asked(office: Office) -> None:
    browser = TestClient(office.client.app, follow_redirects=False)
    answer = browser.post("/login", data={"token": office.佐藤さん.token, "next": "/route"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/route"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie, "plain http in tests; Secure over https or when configured"


def test_a_wrong_token_is_refused_on_the_page_in_japanese(office: Office) -> None:
    browser = TestClient(office.client.app, follow_redirects=False)
    wrong = browser.post("/login", data={"token": "sato.not-the-secret", "next": "/"})
    assert wrong.status_code == 401
    assert "トークンが正しくありません" in wrong.text
    assert "set-cookie" not in wrong.headers
    empty = browser.post("/login", data={"token": "  "})
    assert empty.status_code == 422
    assert "トークンを入力してください" in empty.text
    weird = browser.post("/login", data={"token": "佐藤.秘密"})
    assert weird.status_code == 401


def test_sign_in_never_redirects_to_another_site(office: Office) -> None:
    browser = TestClient(office.client.app, follow_redirects=False)
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        answer = browser.post("/login", data={"token": office.佐藤さん.token,
                                              "next": elsewhere})
        assert answer.headers["location"] == "/"


def test_sign_in_from_another_site_is_refused(office: Office) -> None:
    browser = TestClient(office.client.app, follow_redirects=False)
    answer = browser.post("/login", data={"token": office.佐藤さん.token},
                          headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    assert "set-cookie" not in answer.headers


def test_each_role_starts_on_its_own_page(web: WebOffice) -> None:
    assert web.佐藤さん.get("/").headers["location"] == "/route"
    assert web.田中課長.get("/").headers["location"] == "/route"
    assert web.監査の伊藤さん.get("/").headers["location"] == "/accounts"
    admin = sign_in(web.office, ADMIN_TOKEN)
    refused = admin.get("/")
    assert refused.status_code == 403
    assert "管理者のアカウントでは取引先を閲覧できません" in refused.text


def test_sato_sees_his_route_for_the_day(web: WebOffice) -> None:
    office = web.office
    account = office.open_yamada()
    base = f"/v1/accounts/{account}"
    office.佐藤さん.post(f"{base}/promises", {"description": "カタログを送る",
                                             "due_date": "2026-11-25", "made_to": "山田部長"})
    office.佐藤さん.post(f"{base}/complaints", {"received_at": "2026-11-20T08:00:00+09:00",
                                               "subject": "納品遅延", "severity": "high"})
    page = web.佐藤さん.get("/route?date=2026-12-05")
    assert page.status_code == 200
    text = page.text
    assert "2026年12月5日(土)のルート" in text
    assert "株式会社山田製作所" in text and f'href="/accounts/{account}"' in text
    assert "2026年12月4日(金)" in text, "next visit due 14 days after opening"
    assert "1日超過" in text
    assert "納品遅延" in text and "2026年11月20日(金) 08:00" in text
    today = web.佐藤さん.get("/route")
    assert "今日のルート" in today.text
    assert "カタログを送る" in today.text and "山田部長" in today.text


def test_a_day_that_is_not_a_date_is_a_page_not_a_crash(web: WebOffice) -> None:
    answer = web.佐藤さん.get("/route?date=tomorrow")
    assert answer.status_code == 400
    assert "日付は" in answer.text


def test_signing_out_needs_the_form_token_and_clears_the_cookie(web: WebOffice) -> None:
    sato = web.佐藤さん
    forged = sato.client.post("/logout", data={"csrf_token": "0" * 64})
    assert forged.status_code == 403
    answer = sato.post("/logout", {})
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert 'tsunagi_session=""' in answer.headers["set-cookie"]
    assert sato.get("/route").status_code == 303


def test_pages_are_left_out_of_the_api_document(office: Office) -> None:
    paths = office.client.get("/openapi.json").json()["paths"]
    assert all(path.startswith("/v1") or path == "/health" for path in paths)


def test_an_unknown_page_is_a_japanese_page_and_the_api_keeps_problem_json(
    web: WebOffice,
) -> None:
    page = web.佐藤さん.get("/no-such-page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "お探しのページは見つかりませんでした" in page.text
    api = web.office.佐藤さん.get("/v1/no-such-thing")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")


def test_over_https_the_cookie_is_secure(office: Office) -> None:
    browser = TestClient(office.client.app, base_url="https://tsunagi.example",
                         follow_redirects=False)
    answer = browser.post("/login", data={"token": office.佐藤さん.token},
                          headers={"Origin": "https://tsunagi.example"})
    assert answer.status_code == 303
    assert "Secure" in answer.headers["set-cookie"]
