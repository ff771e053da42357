"""People at the office using the web pages: each with a browser-like client of their own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.e2e.conftest import Office, office  # noqa: F401  (the fixture, shared)

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


@dataclass
class WebPerson:
    """Someone signed in through the login page; their cookie stays in their client."""

    client: TestClient

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def csrf(self, url: str = "/accounts") -> str:
        page = self.client.get(url)
        found = CSRF.search(page.text)
        assert found, f"no CSRF token on {url}: {page.status_code} {page.text[:300]}"
        return found.group(1)

    def post(self, url: str, data: dict[str, str], *, csrf_from: str | None = None,
             **kwargs: Any) -> Any:
        form = {"csrf_token": self.csrf(csrf_from or "/route"), **data}
        return self.client.post(url, data=form, **kwargs)


def sign_in(at: Office, token: str) -> WebPerson:
    client = TestClient(at.client.app, follow_redirects=False)
    answer = client.post("/login", data={"token": token, "next": "/"})
    assert answer.status_code == 303, answer.text
    return WebPerson(client)


@dataclass
class WebOffice:
    office: Office
    田中課長: WebPerson
    佐藤さん: WebPerson
    鈴木さん: WebPerson
    高橋さん: WebPerson
    監査の伊藤さん: WebPerson


@pytest.fixture
def web(office: Office) -> WebOffice:  # noqa: F811
    return WebOffice(
        office=office,
        田中課長=sign_in(office, office.田中課長.token),
        佐藤さん=sign_in(office, office.佐藤さん.token),
        鈴木さん=sign_in(office, office.鈴木さん.token),
        高橋さん=sign_in(office, office.高橋さん.token),
        監査の伊藤さん=sign_in(office, office.監査の伊藤さん.token),
    )
