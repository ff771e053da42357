"""GET /health tells whether the store answers, on either backend."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from domain.application import Tsunagi


def test_health_is_ok_when_the_store_answers(settings: Settings, store: Tsunagi) -> None:
    with TestClient(create_app(settings, application=store)) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_is_503_with_retry_after_when_the_store_does_not(settings: Settings,
                                                               store: Tsunagi) -> None:
    def store_down() -> int:
        from eventsourcing.persistence import OperationalError

        raise OperationalError("connection refused")

    store.recorder.max_notification_id = store_down  # type: ignore[method-assign]
    with TestClient(create_app(settings, application=store)) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.json() == {"status": "unavailable"}
