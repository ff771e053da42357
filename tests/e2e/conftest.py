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
def office(store: Tsunagi, settings: Settings, clock: Clock) -> Iterator[Office]:
    settings = Settings(**{**settings.model_dump(), "admin_token": ADMIN_TOKEN})
    with TestClient(create_app(settings, application=store)) as client:
        admin = Person(client, ADMIN_TOKEN)

        def register(user_id: str, name: str, role: str) -> Person:
            response = admin.post("/v1/users", {"user_id": user_id, "name": name, "role": role})
            assert response.status_code == 201, response.text
            return Person(client, response.json()["token"])

        yield Office(
            client=client, admin=admin,
            田中課長=register("tanaka", "田中 課長", "manager"),
            佐藤さん=register("sato", "佐藤 健", "rep"),
            鈴木さん=register("suzuki", "鈴木 一郎", "rep"),
            高橋さん=register("takahashi", "高橋 花子", "rep"),
            監査の伊藤さん=register("ito", "伊藤 監査", "auditor"),
            store=store, clock=clock,
        )
