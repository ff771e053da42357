"""JSON nested ~1,000 deep used to answer 500 on any JSON route and reset the connection.
Now it is refused with 422 before any parser recurses, nothing is appended, and the
kept-alive connection goes on serving."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from api.bodies import MAX_JSON_DEPTH
from api.settings import Settings
from tests.e2e.conftest import Office
from tests.reliability.server import serving

VISIT = {"occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問"}

JSON = {"Content-Type": "application/json"}


def deep_array(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_object(depth: int) -> bytes:
    """{"purpose": {"purpose": … {} …}}: a body that looks like a visit at its top."""
    return b'{"purpose":' * depth + b"{}" + b"}" * depth


def deep_in_a_field(depth: int) -> bytes:
    """A well-formed visit but for its attendees, nested deep."""
    attendees = "[" * depth + '"山田部長"' + "]" * depth
    return f'{{"occurred_at": "{VISIT["occurred_at"]}", "purpose": "定期訪問", ' \
           f'"attendees": {attendees}}}'.encode()


BODIES: dict[str, Callable[[int], bytes]] = {
    "array": deep_array, "object": deep_object, "field": deep_in_a_field}


def routes(office: Office, account: str) -> list[tuple[Any, str]]:
    """(who, where) for a few JSON routes: open an account, a visit, a note, a user."""
    return [(office.田中課長, "/v1/accounts"),
            (office.佐藤さん, f"/v1/accounts/{account}/visits"),
            (office.佐藤さん, f"/v1/accounts/{account}/notes"),
            (office.admin, "/v1/users")]


@pytest.mark.parametrize("shape", BODIES)
@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
def test_a_body_nested_1000_deep_is_422_and_appends_nothing(
        office: Office, shape: str, content_type: str) -> None:
    account = office.open_yamada()
    head = office.store.recorder.max_notification_id()
    for person, url in routes(office, account):
        response = person.post(url, content=BODIES[shape](1000),
                               headers={"Content-Type": content_type})
        assert response.status_code == 422, (url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert [(e["loc"], e["msg"]) for e in problem["errors"]] == [
            (["body"], f"JSON nested deeper than {MAX_JSON_DEPTH} levels")]
    assert office.store.recorder.max_notification_id() == head


def test_who_may_write_is_decided_before_the_depth_of_the_body(office: Office) -> None:
    """As for any body: 401 and 403 win over the 422 of a body nested too deep."""
    account = office.open_yamada()
    url = f"/v1/accounts/{account}/visits"
    too_deep = deep_array(1000)
    assert office.client.post(url, content=too_deep).status_code == 401
    assert office.監査の伊藤さん.post(url, content=too_deep).status_code == 403
    assert office.高橋さん.post(url, content=too_deep).status_code == 404


def test_nesting_up_to_the_limit_reaches_the_ordinary_validation(office: Office) -> None:
    """The guard refuses only what is deeper than its limit; at the limit the body is parsed
    and validated as usual (a list of lists is no attendee: 422 naming the field)."""
    account = office.open_yamada()
    url = f"/v1/accounts/{account}/visits"
    at_limit = office.佐藤さん.post(url, content=deep_in_a_field(MAX_JSON_DEPTH - 1),
                                  headers=JSON)
    assert at_limit.status_code == 422
    assert at_limit.json()["type"].endswith("/invalid-request")
    assert at_limit.json()["errors"][0]["loc"][:2] == ["body", "attendees"]
    one_more = office.佐藤さん.post(url, content=deep_in_a_field(MAX_JSON_DEPTH), headers=JSON)
    assert one_more.json()["errors"][0]["msg"].startswith("JSON nested deeper than")


def test_brackets_in_text_are_not_nesting(office: Office) -> None:
    account = office.open_yamada()
    note = {"text": "見積番号は [[[[A-1]]]] と {{{{記載}}}}" + "[" * 500, "topic": "general"}
    response = office.佐藤さん.post(f"/v1/accounts/{account}/notes", note)
    assert response.status_code == 201, response.text


def test_the_kept_alive_connection_goes_on_after_the_refusal(settings: Settings,
                                                             tmp_path: Path) -> None:
    """Over a real `tsunagi serve`, one connection: the refusal, then a read, on the same
    socket."""
    env = {"TSUNAGI_DATABASE_URL": settings.database_url,
           "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema}
    with serving(env, tmp_path) as server:
        tanaka = server.register("tanaka", "田中 課長", "manager")
        server.register("sato", "佐藤 健", "rep")
        host, port = server.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        auth = {"Authorization": f"Bearer {tanaka}", "Content-Type": "application/json"}
        try:
            for shape, deep in BODIES.items():
                connection.request("POST", "/v1/accounts", body=deep(1000), headers=auth)
                if shape == "array":
                    socket_used = connection.sock
                response = connection.getresponse()
                assert response.status == 422, shape
                assert json.loads(response.read())["errors"][0]["msg"].startswith(
                    "JSON nested deeper than")
                assert not response.will_close, "the connection is kept"
            connection.request("POST", "/v1/accounts", headers=auth, body=json.dumps({
                "name": "株式会社山田製作所", "owner_rep_id": "sato",
                "visit_cadence_days": 14}).encode())
            opened = connection.getresponse()
            assert opened.status == 201, opened.read()
            opened.read()
            connection.request("GET", "/health")
            health = connection.getresponse()
            assert health.status == 200
            health.read()
            assert connection.sock is socket_used, "every request went over one connection"
        finally:
            connection.close()
        accounts = http.client.HTTPConnection(host, int(port), timeout=10)
        accounts.request("GET", "/v1/accounts", headers=auth)
        listed = json.loads(accounts.getresponse().read())
        accounts.close()
        assert [a["name"] for a in listed["items"]] == ["株式会社山田製作所"], \
            "the refusals opened nothing"
