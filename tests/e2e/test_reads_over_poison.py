"""Every read of every account and route answers while the log holds events no view can
apply or no read can compute from, written beneath the API; the poisoned account says it
is incomplete, in JSON and on the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from uuid import UUID, uuid4

import pytest

from api.settings import Settings
from domain.account import Account
from projections import VIEW_NAMES
from tests.e2e.conftest import Office
from tests.poison import (
    a_handover_effective_at_the_end_of_time,
    a_promise_due_in_year_one,
    a_visit_in_year_one,
)
from tests.web.conftest import sign_in


def poisoned(office: Office) -> tuple[str, str]:
    """山田製作所 with poison beneath the API; 田中商事 untouched."""
    yamada, tanaka_shoji = office.open_yamada(), office.open_yamada()
    now = office.clock.now
    visit = {"occurred_at": (now - timedelta(days=1)).isoformat(), "purpose": "定期訪問",
             "summary": "新ラインの件で忙しそう"}
    for account in (yamada, tanaka_shoji):
        assert office.佐藤さん.post(f"/v1/accounts/{account}/visits", visit).status_code == 201
    a_visit_in_year_one(office.store, UUID(yamada))
    a_promise_due_in_year_one(office.store, UUID(yamada), now)
    a_handover_effective_at_the_end_of_time(office.store, UUID(yamada), now)
    return yamada, tanaka_shoji


def opened_beneath(office: Office, **values: object) -> str:
    """An account opened with values no command would accept."""
    account = Account._create(Account.Opened, event_id=uuid4(), recorded_by="tanaka",
                              occurred_at=office.clock.now, source=None, **values)
    office.store.save(account)
    return str(account.id)


def test_every_read_answers_and_the_poisoned_account_says_it_is_incomplete(
        office: Office) -> None:
    yamada, tanaka_shoji = poisoned(office)
    manager, auditor, sato = office.田中課長, office.監査の伊藤さん, office.佐藤さん
    day = office.clock.now.date().isoformat()
    at = quote(datetime.now(UTC).isoformat())  # recorded times are the wall clock's
    for reader, url in [
        (sato, f"/v1/accounts/{yamada}"), (sato, f"/v1/accounts/{yamada}/dossier"),
        (sato, f"/v1/accounts/{yamada}/history"), (sato, f"/v1/reps/me/route?date={day}"),
        (manager, "/v1/reps/sato/route"), (manager, "/v1/reps/suzuki/route"),
        (sato, "/v1/accounts"), (sato, f"/v1/accounts/{tanaka_shoji}"),
        (auditor, f"/v1/accounts/{yamada}?as_of={at}"),
        (auditor, f"/v1/accounts/{yamada}/dossier?as_of={at}&as_of_basis=occurred"),
    ]:
        response = reader.get(url)
        assert response.status_code == 200, (url, response.text)

    account = sato.get(f"/v1/accounts/{yamada}").json()
    held = account["incomplete"]["quarantined_events"]
    assert held and all(q["error"] and q["view"] in VIEW_NAMES for q in held)
    assert {(q["view"], q["kind"]) for q in held} == {("relationship", "visit_recorded"),
                                                      ("health", "visit_recorded")}
    history = sato.get(f"/v1/accounts/{yamada}/history").json()
    assert [q["kind"] for q in history["incomplete"]["quarantined_events"]] == [
        "visit_recorded"]
    assert account["last_visit_at"] == (office.clock.now - timedelta(days=1)).isoformat()
    assert "incomplete" in sato.get(f"/v1/accounts/{yamada}/dossier").json()
    assert "incomplete" not in sato.get(f"/v1/accounts/{tanaka_shoji}").json()
    markdown = sato.get(f"/v1/accounts/{yamada}/dossier",
                        headers={"Accept": "text/markdown"}).text
    assert "この資料は不完全です" in markdown.splitlines()[2]

    health = office.client.get("/health")
    assert health.status_code == 200 and health.json()["quarantined"] >= 2

    browser = sign_in(office, sato.token)
    for page in (f"/accounts/{yamada}", f"/accounts/{yamada}/dossier", "/route"):
        answer = browser.get(page)
        assert answer.status_code == 200, (page, answer.text[:500])
    assert "表示に反映できていません" in browser.get(f"/accounts/{yamada}").text
    assert "表示に反映できていません" in browser.get(f"/accounts/{yamada}/dossier").text
    assert "表示に反映できていません" not in browser.get(f"/accounts/{tanaka_shoji}").text


def test_a_cadence_no_health_can_be_scored_from_is_named_not_a_500(office: Office) -> None:
    """Every view folds it; the read-time score divides by the cadence."""
    account = opened_beneath(office, name="株式会社ゼロ周期", owner_rep_id="sato",
                             visit_cadence_days=0)
    for url in (f"/v1/accounts/{account}", f"/v1/accounts/{account}/dossier"):
        response = office.佐藤さん.get(url)
        assert response.status_code == 200, response.text
        assert response.json()["incomplete"]["unreadable"][0]["part"] == "health"
        assert "ZeroDivisionError" in response.json()["incomplete"]["unreadable"][0]["error"]
    browser = sign_in(office, office.佐藤さん.token)
    assert browser.get(f"/accounts/{account}").status_code == 200


def test_an_owner_with_a_nul_answers_from_the_aggregate_where_a_view_has_no_document(
        office: Office, settings: Settings) -> None:
    """PostgreSQL cannot store the NUL: the relationship and route views quarantine the
    opening, and the account is read from what the aggregate holds."""
    account = opened_beneath(office, name="株式会社ヌル", owner_rep_id="sa\x00to",
                             visit_cadence_days=14)
    response = office.田中課長.get(f"/v1/accounts/{account}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "株式会社ヌル"
    if settings.database_url.startswith("postgresql"):
        assert {q["view"] for q in body["incomplete"]["quarantined_events"]} == {"relationship"}
    else:
        assert "incomplete" not in body
    assert office.田中課長.get(f"/v1/accounts/{account}/dossier").status_code == 200
    assert office.田中課長.get("/v1/reps/sato/route").status_code == 200
    assert office.client.get("/health").status_code == 200


@pytest.mark.parametrize("kind", ["visit", "promise"])
def test_a_poison_event_never_makes_a_read_wait(office: Office, kind: str) -> None:
    """Reads answered 503 after 5 s when a view stopped; now each answers at once."""
    yamada = office.open_yamada()
    if kind == "visit":
        a_visit_in_year_one(office.store, UUID(yamada))
    else:
        a_promise_due_in_year_one(office.store, UUID(yamada), office.clock.now)
    for _ in range(3):
        response = office.佐藤さん.get(f"/v1/accounts/{yamada}")
        assert response.status_code == 200, response.text
        assert response.elapsed.total_seconds() < 2
