"""佐藤さん's browser holds a session id, never his token: signing out, a new token or the
end of the working day ends the session, whatever the browser (or a thief) still holds."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.bootstrap import build_application
from api.main import create_app
from api.sessions import IDLE_SECONDS, LIFETIME_SECONDS, TABLE, session_hash
from api.settings import Settings
from api.web.session import COOKIE
from tests.conftest import Clock
from tests.e2e.conftest import ADMIN_TOKEN, Office, Person
from tests.web.conftest import WebOffice, WebPerson, sign_in


def session_of(person: WebPerson) -> str:
    value = person.client.cookies.get(COOKIE)
    assert value, "signed in, so the browser holds a session cookie"
    return value


def replayed(office: Office, session_id: str) -> WebPerson:
    """Another browser sending a copied cookie."""
    return WebPerson(TestClient(office.client.app, follow_redirects=False,
                                cookies={COOKIE: session_id}))


def test_the_cookie_carries_a_session_id_never_the_token(office: Office) -> None:
    browser = TestClient(office.client.app, follow_redirects=False)
    token = office.佐藤さん.token
    answer = browser.post("/login", data={"token": token, "next": "/route"})
    assert answer.status_code == 303
    set_cookie = answer.headers["set-cookie"]
    secret = token.rpartition(".")[2]
    assert token not in set_cookie and secret not in set_cookie
    session_id = browser.cookies.get(COOKIE)
    assert session_id and len(session_id) >= 43, "32 random bytes, url-safe"
    assert browser.get("/route").status_code == 200

    again = TestClient(office.client.app, follow_redirects=False)
    again.post("/login", data={"token": token, "next": "/"})
    assert again.cookies.get(COOKIE) != session_id, "each sign-in is a session of its own"


def test_the_api_does_not_take_the_cookie_as_a_token(web: WebOffice) -> None:
    office, session_id = web.office, session_of(web.佐藤さん)
    as_bearer = Person(office.client, session_id).get("/v1/users/me")
    assert as_bearer.status_code == 401
    assert as_bearer.headers["content-type"].startswith("application/problem+json")
    with_cookie = TestClient(office.client.app, cookies={COOKIE: session_id})
    assert with_cookie.get("/v1/users/me").status_code == 401
    assert office.佐藤さん.get("/v1/users/me").status_code == 200, "the token still works"


def test_signing_out_ends_the_session_even_for_a_copied_cookie(web: WebOffice) -> None:
    office, sato = web.office, web.佐藤さん
    session_id = session_of(sato)
    stolen = replayed(office, session_id)
    assert stolen.get("/route").status_code == 200, "a copy works while the session lives"
    sessions = office.client.app.state.sessions
    before = sessions.count("sato")

    assert sato.post("/logout", {}).status_code == 303
    assert sessions.count("sato") == before - 1, "the session's row is gone"
    for browser in (stolen, replayed(office, session_id)):
        answer = browser.get("/route")
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login")
        refused = browser.client.post("/logout", data={"csrf_token": "0" * 64})
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    assert web.鈴木さん.get("/route").status_code == 200, "only his own session ended"


def test_a_new_token_ends_the_sessions_started_with_the_old_one(web: WebOffice) -> None:
    office = web.office
    on_the_phone = sign_in(office, office.佐藤さん.token)
    issued = office.admin.post("/v1/users/sato/token")
    assert issued.status_code == 200, issued.text

    for browser in (web.佐藤さん, on_the_phone):
        answer = browser.get("/route")
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login")
    assert web.鈴木さん.get("/route").status_code == 200
    assert sign_in(office, issued.json()["token"]).get("/route").status_code == 200
    refused = TestClient(office.client.app, follow_redirects=False).post(
        "/login", data={"token": office.佐藤さん.token})
    assert refused.status_code == 401, "the old token signs in no more"


def test_a_browser_left_alone_is_signed_out_after_the_idle_timeout(web: WebOffice) -> None:
    office = web.office
    office.clock.advance(seconds=IDLE_SECONDS - 120)
    assert web.佐藤さん.get("/route").status_code == 200, "still within the idle timeout"
    office.clock.advance(seconds=IDLE_SECONDS - 60)
    assert web.佐藤さん.get("/route").status_code == 200, "the last page view kept it alive"
    assert web.鈴木さん.get("/route").status_code == 303, "鈴木さん's browser sat idle"
    office.clock.advance(seconds=IDLE_SECONDS + 1)
    assert web.佐藤さん.get("/route").headers["location"].startswith("/login")


def test_a_session_ends_after_its_lifetime_however_busy(web: WebOffice) -> None:
    office, sato = web.office, web.佐藤さん
    elapsed = 0
    while elapsed + IDLE_SECONDS // 2 < LIFETIME_SECONDS:
        office.clock.advance(seconds=IDLE_SECONDS // 2)
        elapsed += IDLE_SECONDS // 2
        assert sato.get("/route").status_code == 200, f"{elapsed / 3600:.1f} h in"
    office.clock.advance(seconds=LIFETIME_SECONDS - elapsed)
    answer = sato.get("/route")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert sign_in(office, office.佐藤さん.token).get("/route").status_code == 200


def test_form_tokens_belong_to_the_session_not_to_the_person(web: WebOffice) -> None:
    office, sato = web.office, web.佐藤さん
    account = office.open_yamada()
    form_token = sato.csrf(f"/accounts/{account}")
    other_session = sign_in(office, office.佐藤さん.token)
    assert other_session.csrf(f"/accounts/{account}") != form_token
    refused = other_session.client.post("/logout", data={"csrf_token": form_token})
    assert refused.status_code == 403, "a form token of another session is no good"


def test_the_bootstrap_admin_signs_in_with_a_session_too(office: Office) -> None:
    admin = sign_in(office, ADMIN_TOKEN)
    assert ADMIN_TOKEN not in session_of(admin)
    assert office.client.app.state.sessions.count("admin") == 1
    assert admin.get("/").status_code == 403, "signed in; admins browse no accounts"
    as_bearer = Person(office.client, session_of(admin)).post("/v1/users/sato/token")
    assert as_bearer.status_code == 401, "the session id issues no tokens"


def test_only_the_session_ids_hash_is_stored(web: WebOffice) -> None:
    session_id = session_of(web.佐藤さん)
    sessions = web.office.client.app.state.sessions
    with sessions._transaction(commit=False) as cursor:
        cursor.execute(f"SELECT * FROM {TABLE}")
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert session_hash(session_id) in stored
    assert not any(session_id in value for value in stored)
    assert not any(web.office.佐藤さん.token.rpartition(".")[2] in value for value in stored)


def test_another_process_knows_the_session_and_its_end(office: Office, settings: Settings,
                                                       clock: Clock) -> None:
    """Two API workers on one store: a session started in one is good in the other, and a
    new token issued through the other ends it in both."""
    worker = build_application(settings, clock=clock)
    external = Settings(**{**settings.model_dump(), "projector": "external",
                           "admin_token": ADMIN_TOKEN})
    try:
        with TestClient(create_app(external, application=worker)) as other:
            sato = sign_in(office, office.佐藤さん.token)
            in_other = WebPerson(TestClient(other.app, follow_redirects=False,
                                            cookies={COOKIE: session_of(sato)}))
            assert in_other.get("/route").status_code == 200
            assert Person(other, ADMIN_TOKEN).post("/v1/users/sato/token").status_code == 200
            for browser in (sato, in_other):
                assert browser.get("/route").headers["location"].startswith("/login")
    finally:
        worker.close()
