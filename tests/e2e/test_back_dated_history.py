"""Back-dated history over HTTP (#17), on SQLite and PostgreSQL.

株式会社山田製作所 has been 佐藤さん's customer since April 2023 and is entered in Tsunagi in
November 2026. 佐藤さん handed it to 鈴木さん in autumn 2025; 田中課長 records that handover
now, each step dated when it happened. The tenures split at the back-dated completion, and
the review held in January ends the checkpoint warning.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.e2e.conftest import Office, Person

JST_OFFSET = "+09:00"


def at(day: str, time: str = "09:00") -> str:
    return f"{day}T{time}:00{JST_OFFSET}"


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def open_yamada_since_2023(office: Office) -> str:
    opened = office.田中課長.post("/v1/accounts", {
        "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": 30,
        "started_on": "2023-04-01"})
    assert opened.status_code == 201, opened.text
    return str(opened.json()["account_id"])


def visit(person: Person, base: str, day: str, small_talk: bool = True) -> str:
    recorded = person.post(f"{base}/visits", {"occurred_at": at(day, "14:00"),
                                              "purpose": "定期訪問", "small_talk": small_talk})
    assert recorded.status_code == 201, recorded.text
    return str(recorded.json()["event_id"])


def step(person: Person, url: str, body: dict[str, Any] | None = None) -> Any:
    done = person.post(url, body)
    assert done.status_code in (200, 201), done.text
    return done.json()


def history_kinds(person: Person, base: str) -> list[str]:
    items = person.get(f"{base}/history", params={"limit": 500}).json()["items"]
    return [item["kind"] for item in items]


def test_an_old_handover_recorded_now_splits_the_tenures_where_it_happened(
        office: Office) -> None:
    sato, suzuki, tanaka = office.佐藤さん, office.鈴木さん, office.田中課長
    account = open_yamada_since_2023(office)
    base = f"/v1/accounts/{account}"
    first = tanaka.get(base).json()["health"]["tenures"]
    assert [(t["rep_id"], instant(t["from"])) for t in first] == [
        ("sato", instant(at("2023-04-01", "00:00")))]

    sato_visits = {visit(sato, base, day)
                   for day in ("2025-06-10", "2025-07-08", "2025-08-05", "2025-09-02")}
    handover = step(tanaka, f"{base}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
        "effective_at": at("2025-10-01"), "occurred_at": at("2025-09-01")})["handover_id"]
    hurl = f"{base}/handovers/{handover}"
    step(suzuki, f"{hurl}/acknowledge", {"occurred_at": at("2025-09-03")})
    step(sato, f"{hurl}/joint-visit", {"occurred_at": at("2025-09-10"), "note": "同行訪問"})
    step(sato, f"{hurl}/customer-informed", {"occurred_at": at("2025-09-10", "11:00")})
    step(tanaka, f"{hurl}/checkpoint", {"checkpoint_on": "2026-01-05", "note": "90日後の振り返り",
                                        "occurred_at": at("2025-09-11")})
    step(suzuki, f"{hurl}/complete", {"occurred_at": at("2025-10-01")})
    suzuki_visits = {visit(suzuki, base, day, small_talk=False)
                     for day in ("2025-10-14", "2025-11-11", "2025-12-09", "2026-01-13",
                                 "2026-02-10", "2026-03-10", "2026-04-07", "2026-05-12",
                                 "2026-06-09", "2026-07-07", "2026-08-04", "2026-09-08",
                                 "2026-10-06", "2026-11-04")}

    health = suzuki.get(base).json()["health"]
    assert [(t["rep_id"], instant(t["from"]), t["to"] and instant(t["to"]))
            for t in health["tenures"]] == [
        ("sato", instant(at("2023-04-01", "00:00")), instant(at("2025-10-01"))),
        ("suzuki", instant(at("2025-10-01")), None)]
    assert [t["status"] for t in health["tenures"]] == ["closed", "active"]  # past ramp-up
    assert health["rep_id"] == "suzuki"
    assert "handover_checkpoint" in [w["code"] for w in health["warnings"]]

    dossier = suzuki.get(f"{base}/dossier").json()
    assert [(t["rep_id"], instant(t["from"])) for t in dossier["tenures"]] == [
        ("sato", instant(at("2023-04-01", "00:00"))), ("suzuki", instant(at("2025-10-01")))]
    assert instant(dossier["account"]["opened_at"]) == instant(at("2023-04-01", "00:00"))
    sato_cadence, suzuki_cadence = (
        next(c for c in t["health"]["components"] if c["name"] == "cadence")
        for t in dossier["tenures"])
    assert set(sato_cadence["event_ids"]) == sato_visits  # each visit in the tenure it fell in
    assert set(suzuki_cadence["event_ids"]) == suzuki_visits
    assert sato.get(base).status_code == 404, "the predecessor's access ended"

    held = suzuki.post(f"{hurl}/checkpoint-held", {
        "occurred_at": at("2026-01-05", "15:00"), "note": "田中課長と振り返り。関係は良好"})
    assert held.status_code == 200, held.text
    assert held.json()["handover_id"] == handover

    health = suzuki.get(base).json()["health"]
    assert "handover_checkpoint" not in [w["code"] for w in health["warnings"]]
    [checkpoint] = suzuki.get(f"{base}/dossier").json()["checkpoints"]
    assert checkpoint["checkpoint_on"] == "2026-01-05"
    assert instant(checkpoint["held_at"]) == instant(at("2026-01-05", "15:00"))
    assert checkpoint["held_note"] == "田中課長と振り返り。関係は良好"
    assert checkpoint["held_by"] == "suzuki"
    assert held.json()["event_id"] in checkpoint["event_ids"]
    kinds = history_kinds(suzuki, base)
    assert kinds.count("handover_checkpoint_held") == 1
    page = suzuki.get(f"{base}/history", params={"kind": "handover_checkpoint_held"}).json()
    [item] = page["items"]
    assert instant(item["occurred_at"]) == instant(at("2026-01-05", "15:00"))


def test_a_handover_step_may_be_left_undated_and_complete_still_needs_no_body(
        office: Office) -> None:
    account = open_yamada_since_2023(office)
    base = f"/v1/accounts/{account}"
    handover = step(office.田中課長, f"{base}/handovers", {
        "to_rep_id": "suzuki", "reason": "担当替え", "effective_at": at("2026-12-01")})
    completed = office.鈴木さん.post(f"{base}/handovers/{handover['handover_id']}/complete")
    assert completed.status_code == 200, completed.text
    tenures = office.鈴木さん.get(base).json()["health"]["tenures"]
    assert instant(tenures[1]["from"]) == office.clock.now


def refused(person: Person, url: str, body: dict[str, Any], field: str,
            status: int = 422) -> dict[str, Any]:
    """A write refused with a problem naming the field."""
    answer = person.post(url, body)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = answer.json()
    if status == 422:
        assert [e["loc"] for e in problem["errors"]] == [["body", field]], problem
    return problem


def test_bad_dates_are_refused_naming_the_field_and_nothing_is_appended(
        office: Office) -> None:
    sato, suzuki, tanaka = office.佐藤さん, office.鈴木さん, office.田中課長
    for started_on in ("2026-11-21", "1899-12-31", "2201-01-01", "2025-02-30", "2025/04/01"):
        refused(tanaka, "/v1/accounts", {"name": "株式会社山田製作所", "owner_rep_id": "sato",
                                         "visit_cadence_days": 30, "started_on": started_on},
                "started_on")
    assert tanaka.get("/v1/accounts").json()["items"] == []

    account = open_yamada_since_2023(office)
    base = f"/v1/accounts/{account}"
    new_handover = {"to_rep_id": "suzuki", "reason": "異動", "effective_at": at("2025-10-01")}
    problem = refused(tanaka, f"{base}/handovers",
                      {**new_handover, "occurred_at": at("2023-03-31", "23:59")}, "occurred_at")
    assert "tenure began" in problem["detail"]
    refused(tanaka, f"{base}/handovers",
            {**new_handover, "occurred_at": at("2026-11-21")}, "occurred_at")
    refused(tanaka, f"{base}/handovers",
            {**new_handover, "occurred_at": "2025-09-01T09:00:00"}, "occurred_at")  # no offset
    handover = step(tanaka, f"{base}/handovers",
                    {**new_handover, "occurred_at": at("2025-09-01")})["handover_id"]
    hurl = f"{base}/handovers/{handover}"
    version = tanaka.get(base).json()["version"]

    for person, path, body in (
        (suzuki, "acknowledge", {}),
        (sato, "joint-visit", {"note": "同行"}),
        (sato, "customer-informed", {}),
        (tanaka, "checkpoint", {"checkpoint_on": "2026-01-05"}),
        (suzuki, "complete", {}),
        (tanaka, "cancel", {"reason": "延期"}),
    ):
        problem = refused(person, f"{hurl}/{path}", {**body, "occurred_at": at("2025-08-31")},
                          "occurred_at")
        closing = path in ("complete", "cancel")
        assert ("latest step" if closing else "this handover began") in problem["detail"]
        refused(person, f"{hurl}/{path}", {**body, "occurred_at": at("2026-11-21")},
                "occurred_at")
    refused(tanaka, f"{hurl}/checkpoint-held", {}, "", status=409)  # none scheduled
    refused(office.高橋さん, f"{hurl}/checkpoint-held", {}, "", status=404)  # not his account
    refused(tanaka, f"{hurl}/checkpoint-held", {"occurred_at": at("2025-09-02"), "extra": 1},
            "extra")
    assert tanaka.get(base).json()["version"] == version, "nothing was appended"
    assert history_kinds(tanaka, base) == ["account_opened", "handover_initiated"]


def test_a_cancelled_handover_takes_no_review_and_stops_warning(office: Office) -> None:
    tanaka = office.田中課長
    account = open_yamada_since_2023(office)
    base = f"/v1/accounts/{account}"
    handover = step(tanaka, f"{base}/handovers", {
        "to_rep_id": "suzuki", "reason": "異動", "effective_at": at("2025-10-01"),
        "occurred_at": at("2025-09-01")})["handover_id"]
    hurl = f"{base}/handovers/{handover}"
    step(tanaka, f"{hurl}/checkpoint", {"checkpoint_on": "2025-12-01"})
    assert "handover_checkpoint" in [w["code"] for w in
                                     tanaka.get(base).json()["health"]["warnings"]]
    step(tanaka, f"{hurl}/cancel", {"reason": "異動が延期"})
    assert "handover_checkpoint" not in [w["code"] for w in
                                         tanaka.get(base).json()["health"]["warnings"]]
    problem = refused(tanaka, f"{hurl}/checkpoint-held", {}, "", status=409)
    assert "cancelled" in problem["detail"]
