"""An HTTP client per person, against the whole app on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from domain.application import Tsunagi
from tests.conftest import Clock

ADMIN_TOKEN = "admin-bootstrap-token-for-tests"


@dataclass
class Person:
    """Someone at the company, signed in."""

    client: TestClient
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, headers={**self.auth, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, url: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.post(url, json=json,
                                headers={**self.auth, **kwargs.pop("headers", {})}, **kwargs)

    def patch(self, url: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.patch(url, json=json,
                                 headers={**self.auth, **kwargs.pop("headers", {})}, **kwargs)


@dataclass
class Office:
    client: TestClient
    admin: Person
    田中課長: Person
    佐藤さん: Person
    鈴木さん: Person
    高橋さん: Person
    監査の伊藤さん: Person
    store: Tsunagi
    clock: Clock

    def open_yamada(self) -> str:
        response = self.田中課長.post("/v1/accounts", {"name": "株式会社山田製作所",
                                                    "owner_rep_id": "sato",
                                                    "visit_cadence_days": 14})
        assert response.status_code == 201, response.text
        return str(response.json()["account_id"])


@pytest.fixture
def office(store: Tsunagi, cast_tokens: dict[str, str], settings: Settings,
           clock: Clock) -> Iterator[Office]:
    """The cast (registered in the store as the admin would) signed in over HTTP."""
    settings = Settings(**{**settings.model_dump(), "admin_token": ADMIN_TOKEN})
    with TestClient(create_app(settings, application=store)) as client:

        def signed_in(user_id: str) -> Person:
            return Person(client, cast_tokens[user_id])

        yield Office(
            client=client, admin=Person(client, ADMIN_TOKEN),
            田中課長=signed_in("tanaka"), 佐藤さん=signed_in("sato"),
            鈴木さん=signed_in("suzuki"), 高橋さん=signed_in("takahashi"),
            監査の伊藤さん=signed_in("ito"),
            store=store, clock=clock,
        )
