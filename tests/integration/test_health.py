"""GET /health tells the truth, on either backend: whether the store answers, and whether
every view keeps up with the log (stopped or more than 60 s behind → 503 naming it), with
each view's quarantined events counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import build_views
from api.main import create_app
from api.settings import Settings
from domain.application import Tsunagi
from projections import VIEW_NAMES, status
from projections.runner import Projector
from tests.conftest import Clock, 佐藤さん, 田中課長
from tests.poison import a_visit_in_year_one


def test_health_is_ok_when_the_store_answers(settings: Settings, store: Tsunagi) -> None:
    with TestClient(create_app(settings, application=store)) as client:
        response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["quarantined"] == 0
    assert set(body["views"]) == set(VIEW_NAMES)


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


def test_health_counts_the_events_each_view_quarantined_and_stays_ok(
        settings: Settings, store: Tsunagi, clock: Clock) -> None:
    """A quarantined event does not fail health: the view is live, past it; it is counted."""
    with TestClient(create_app(settings, application=store)) as client:
        yamada = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                    visit_cadence_days=14).account_id
        a_visit_in_year_one(store, yamada)
        store.record_visit(佐藤さん, yamada, occurred_at=clock.now, purpose="定期訪問",
                           summary="")
        assert client.app.state.views.caught_up(VIEW_NAMES, timeout=10)  # type: ignore[attr-defined]
        response = client.get("/health")
    assert response.status_code == 200, response.text
    body = response.json()
    counted = {name: view["quarantined"] for name, view in body["views"].items()}
    assert body["quarantined"] == sum(counted.values()) >= 1
    assert counted["relationship"] == 1
    assert all(view["position"] == view["head"] and view["lag_seconds"] == 0
               for view in body["views"].values())


def test_health_is_503_naming_the_views_more_than_a_minute_behind(
        settings: Settings, store: Tsunagi, monkeypatch: pytest.MonkeyPatch) -> None:
    """The API of the deployed shape reads the views' positions; nothing applies them here."""
    external = Settings(**{**settings.model_dump(), "projector": "external"})
    registered = Projector(store, build_views(store, external))
    registered.catch_up()  # the cast's registrations: applied, so only the account lags
    registered.close()
    with TestClient(create_app(external, application=store)) as client:
        store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=14)
        recorded = datetime.now(UTC)
        monkeypatch.setattr(status, "utc_now", lambda: recorded + timedelta(seconds=30))
        assert client.get("/health").status_code == 200, "30 s behind is within the limit"
        monkeypatch.setattr(status, "utc_now", lambda: recorded + timedelta(seconds=75))
        response = client.get("/health")
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["Retry-After"]
        body = response.json()
        for name in VIEW_NAMES:
            assert f"view {name} lags the log by" in body["detail"]
            assert body["views"][name]["lag_seconds"] >= 75
            assert body["views"][name]["behind"] == 1
        projector = Projector(store, build_views(store, external))
        projector.catch_up()
        assert client.get("/health").status_code == 200, "caught up: healthy again"
        projector.close()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_health_is_503_naming_a_view_whose_follower_has_stopped(
        settings: Settings, store: Tsunagi, monkeypatch: pytest.MonkeyPatch) -> None:
    class Died(BaseException):
        """Something no view code catches ended the route view's thread."""

    with TestClient(create_app(settings, application=store)) as client:
        projector = client.app.state.views  # type: ignore[attr-defined]

        def dies(*_: object) -> int:
            raise Died

        monkeypatch.setattr(projector, "run_batch", lambda name: dies() if name == "route"
                            else Projector.run_batch(projector, name))
        projector.wake()
        projector.threads["route"].join(timeout=10)
        response = client.get("/health")
    assert response.status_code == 503
    assert "view route has stopped" in response.json()["detail"]
    assert "relationship" not in response.json()["detail"]
