"""Bad input gets a clear 4xx problem naming the field, never a 500, and records nothing."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.persistence import OperationalError

from domain.users import user_aggregate_id
from tests.e2e.conftest import Office

VISIT = {"occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問"}


def refused(office: Office, response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body


@pytest.mark.parametrize(("body", "loc"), [
    ({**VISIT, "occurred_at": "yesterday"}, ["body", "occurred_at"]),
    ({**VISIT, "occurred_at": "2026-11-20T09:00:00"}, ["body", "occurred_at"]),
    ({**VISIT, "occurred_at": "2026-13-40T09:00:00+09:00"}, ["body", "occurred_at"]),
    ({"occurred_at": VISIT["occurred_at"]}, ["body", "purpose"]),
    ({**VISIT, "purpose": "   "}, ["body", "purpose"]),
    ({**VISIT, "purpose": ""}, ["body", "purpose"]),
    ({**VISIT, "purpose": "あ" * 201}, ["body", "purpose"]),
    ({**VISIT, "attendees": "山田部長"}, ["body", "attendees"]),
    ({**VISIT, "channel": "carrier_pigeon"}, ["body", "channel"]),
    ({**VISIT, "minutes_late": -5}, ["body", "minutes_late"]),
    ({**VISIT, "occurred_at": "2030-01-01T09:00:00+09:00"}, ["body", "occurred_at"]),
    ({**VISIT, "mood": "good"}, ["body", "mood"]),
    ([VISIT], ["body"]),
])
def test_a_bad_visit_is_422_naming_the_field(office: Office, body: Any, loc: list[str]) -> None:
    account = office.open_yamada()
    head = office.store.recorder.max_notification_id()
    problem = refused(office, office.佐藤さん.post(f"/v1/accounts/{account}/visits", body), 422)
    assert any(error["loc"][:len(loc)] == loc for error in problem["errors"]), problem
    assert office.store.recorder.max_notification_id() == head


def test_malformed_json_and_empty_bodies(office: Office) -> None:
    account = office.open_yamada()
    url = f"/v1/accounts/{account}/visits"
    for raw in (b"{not json", b"", b"   ", "{\"purpose\": \"\xe5\"".encode("latin-1")):
        problem = refused(office, office.client.post(url, content=raw, headers={
            **office.佐藤さん.auth, "Content-Type": "application/json"}), 422)
        assert problem["errors"][0]["loc"] == ["body"]


def test_authentication_and_roles_are_checked_before_the_body(office: Office) -> None:
    account = office.open_yamada()
    url = f"/v1/accounts/{account}/visits"
    refused(office, office.client.post(url, content=b"{not json"), 401)
    refused(office, office.client.post(url, content=b"{not json",
                                       headers={"Authorization": "Bearer nope.nope"}), 401)
    refused(office, office.監査の伊藤さん.post(url, content=b"{not json"), 403)
    refused(office, office.高橋さん.post(url, content=b"{not json"), 404)


def test_other_bad_values_name_their_field(office: Office) -> None:
    account = office.open_yamada()
    sato, base = office.佐藤さん, f"/v1/accounts/{account}"
    cases = [
        ("complaints", {"received_at": "2026-11-20T09:00:00+09:00", "subject": "x",
                        "severity": "urgent"}, ["body", "severity"]),
        ("promises", {"description": "x", "due_date": "2026-02-30", "made_to": "x"},
         ["body", "due_date"]),
        ("renewals", {"renewed_at": "2026-11-20T09:00:00+09:00", "contract_end": "2025-01-01",
                      "terms": "", "annual_value_jpy": 100}, ["body", "contract_end"]),
        ("renewals", {"renewed_at": "2026-11-20T09:00:00+09:00", "contract_end": "2027-01-01",
                      "terms": "", "annual_value_jpy": "たくさん"}, ["body", "annual_value_jpy"]),
        ("requests", {"kind": "値下げ", "detail": "x"}, ["body", "kind"]),
        ("notes", {"text": "x", "kind": "rumour"}, ["body", "kind"]),
        ("corrections", {"corrected_event_id": "not-a-uuid", "corrections": {"a": 1},
                         "reason": "x"}, ["body", "corrected_event_id"]),
    ]
    for path, body, loc in cases:
        problem = refused(office, sato.post(f"{base}/{path}", body), 422)
        assert any(e["loc"][:len(loc)] == loc for e in problem["errors"]), (path, problem)
    managers_only = refused(office, office.田中課長.post("/v1/accounts", {
        "name": "株式会社X", "owner_rep_id": "sato", "visit_cadence_days": 0}), 422)
    assert managers_only["errors"][0]["loc"] == ["body", "visit_cadence_days"]


def test_unknown_things_are_404_and_malformed_ids_422(office: Office) -> None:
    account = office.open_yamada()
    sato = office.佐藤さん
    refused(office, sato.get("/v1/accounts/6f1c7c3e-0000-4000-8000-000000000000"), 404)
    refused(office, sato.get("/v1/accounts/not-a-uuid"), 422)
    missing = refused(office, sato.post(f"/v1/accounts/{account}/promises/nope/close",
                                        {"outcome": "kept"}), 404)
    assert "nope" in missing["detail"]
    refused(office, sato.get("/v1/no-such-route"), 404)
    refused(office, sato.client.delete(f"/v1/accounts/{account}", headers=sato.auth), 405)


def test_the_id_of_a_stream_that_is_not_an_account_is_404(office: Office) -> None:
    """Users and idempotency keys have streams too; their ids are not accounts."""
    user_stream = user_aggregate_id("sato")
    tanaka = office.田中課長
    refused(office, tanaka.get(f"/v1/accounts/{user_stream}"), 404)
    refused(office, tanaka.post(f"/v1/accounts/{user_stream}/visits", {
        "occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問"}), 404)


def test_history_paging_limits(office: Office) -> None:
    account = office.open_yamada()
    url = f"/v1/accounts/{account}/history"
    for params, where in (({"limit": 501}, "limit"), ({"limit": 0}, "limit"),
                          ({"cursor": "abc"}, "cursor"), ({"kind": "gossip"}, "kind"),
                          ({"from": "2026-11-20T09:00:00"}, "from")):
        problem = refused(office, office.佐藤さん.get(url, params=params), 422)
        assert where in problem["errors"][0]["loc"]
    assert office.佐藤さん.get(url, params={"limit": 500}).status_code == 200


def test_a_body_over_one_mebibyte_is_413_and_records_nothing(office: Office) -> None:
    account = office.open_yamada()
    head = office.store.recorder.max_notification_id()
    huge = {**VISIT, "summary": "あ" * (400 * 1024)}  # three bytes a character
    refused(office, office.佐藤さん.post(f"/v1/accounts/{account}/visits", huge), 413)
    assert office.store.recorder.max_notification_id() == head


def test_a_store_that_does_not_answer_is_503_with_retry_after(
        office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    account = office.open_yamada()

    def down(*_: Any, **__: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(office.store.recorder, "insert_events", down)
    problem = refused(office, office.佐藤さん.post(f"/v1/accounts/{account}/visits", VISIT), 503)
    assert problem["detail"].startswith("the event store did not answer")
    monkeypatch.setattr(office.store.repository, "get", down)
    response = office.佐藤さん.get(f"/v1/accounts/{account}")
    refused(office, response, 503)
    assert response.headers["Retry-After"]
