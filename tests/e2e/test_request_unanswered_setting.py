"""TSUNAGI_REQUEST_UNANSWERED_DAYS: how long 山田製作所's request may wait for an answer
before the account, the dossier and the page warn of it. Here it is set to 14 days."""

from __future__ import annotations

from typing import Any

import pytest

from api.settings import Settings
from tests.conftest import Clock
from tests.e2e.conftest import Office


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return Settings(**{**settings.model_dump(), "request_unanswered_days": 14})


def unanswered(office: Office, base: str) -> list[dict[str, Any]]:
    account = office.佐藤さん.get(base).json()["health"]["warnings"]
    dossier = office.佐藤さん.get(f"{base}/dossier").json()["warnings"]
    found = [w for w in account if w["code"] == "request_unanswered"]
    assert found == [w for w in dossier if w["code"] == "request_unanswered"]
    return found


def test_要望の未回答は設定した日数を過ぎてから警告になる(office: Office, clock: Clock) -> None:
    base = f"/v1/accounts/{office.open_yamada()}"
    response = office.佐藤さん.post(f"{base}/requests", {
        "kind": "rush_delivery", "detail": "来月分を前倒しで",
        "occurred_at": "2026-11-10T10:00:00+09:00"})
    assert response.status_code == 201, response.text

    assert unanswered(office, base) == []  # 10 days: past the default 7, not the 14 set

    clock.advance(days=5)
    (warning,) = unanswered(office, base)
    assert warning["message"] == "お客様の要望に15日回答していません (2026-11-10受付)"
    assert warning["event_ids"] == [response.json()["event_id"]]
    assert "user_id" not in warning
