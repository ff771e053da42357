"""The adversarial catalogue (#16): every poison input a user, an import or an attacker has
sent us, on both backends. Each is refused with a 4xx problem naming what was wrong, nothing
is appended by a refusal, and afterwards every view of every account still answers."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from tests.e2e.conftest import Office, Person
from tests.poison import (
    a_handover_effective_at_the_end_of_time,
    a_promise_due_in_year_one,
    a_visit_in_year_one,
    an_undecodable_row,
)
from tests.web.conftest import sign_in

VISIT = {"occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問"}
YEAR_ONE = "0001-01-01T00:00:00+09:00"
END_OF_TIME = "9999-12-31T23:59:59-12:00"


@dataclass(frozen=True)
class Poison:
    name: str
    who: str  # which person of the office sends it
    method: str
    path: str  # "{account}" is filled in
    body: Any = None
    raw: bytes | None = None
    params: dict[str, str] | None = None
    field: str | None = None  # the field the problem must name


def deep_json(depth: int) -> bytes:
    return b'{"purpose": ' + b"[" * depth + b"]" * depth + b"}"


CATALOGUE = [
    Poison("a visit in year 1", "佐藤さん", "POST", "/v1/accounts/{account}/visits",
           {**VISIT, "occurred_at": YEAR_ONE}, field="occurred_at"),
    Poison("a complaint received in year 1", "佐藤さん", "POST",
           "/v1/accounts/{account}/complaints",
           {"received_at": YEAR_ONE, "subject": "納期遅れ", "severity": "high"},
           field="received_at"),
    Poison("a promise due in year 1", "佐藤さん", "POST", "/v1/accounts/{account}/promises",
           {"description": "カタログを送る", "due_date": "0001-01-01", "made_to": "山田部長"},
           field="due_date"),
    Poison("a handover effective at the end of time", "田中課長", "POST",
           "/v1/accounts/{account}/handovers",
           {"to_rep_id": "suzuki", "reason": "異動", "effective_at": END_OF_TIME},
           field="effective_at"),
    Poison("an owner with a NUL in the id", "田中課長", "POST", "/v1/accounts",
           {"name": "株式会社NUL", "owner_rep_id": "sa\u0000to", "visit_cadence_days": 14},
           field="owner_rep_id"),
    Poison("a summary with a control character", "佐藤さん", "POST",
           "/v1/accounts/{account}/visits", {**VISIT, "summary": "ベル\u0007"},
           field="summary"),
    Poison("JSON nested a thousand deep", "佐藤さん", "POST", "/v1/accounts/{account}/visits",
           raw=deep_json(1000)),
    Poison("history from year 1", "佐藤さん", "GET", "/v1/accounts/{account}/history",
           params={"from": YEAR_ONE}, field="from"),
    Poison("history to the end of time", "佐藤さん", "GET", "/v1/accounts/{account}/history",
           params={"to": "9999-12-31T23:59:59+09:00"}, field="to"),
    Poison("the account as of year 1", "監査の伊藤さん", "GET", "/v1/accounts/{account}",
           params={"as_of": YEAR_ONE}, field="as_of"),
    Poison("the dossier as of the end of time", "監査の伊藤さん", "GET",
           "/v1/accounts/{account}/dossier", params={"as_of": "9999-12-31T23:59:59+09:00"},
           field="as_of"),
    Poison("a route on the last day of 9999", "佐藤さん", "GET", "/v1/reps/me/route",
           params={"date": "9999-12-31"}, field="date"),
    Poison("a manager reading a route on the last day of 9999", "田中課長", "GET",
           "/v1/reps/sato/route", params={"date": "9999-12-31"}, field="date"),
    Poison("a rep id with a NUL", "田中課長", "GET", "/v1/reps/%00/route"),
    Poison("a user called admin", "admin", "POST", "/v1/users",
           {"user_id": "admin", "name": "なりすまし", "role": "admin"}, field="user_id"),
]


def send(office: Office, poison: Poison, account: str) -> Any:
    person: Person = getattr(office, poison.who)
    path = poison.path.format(account=account)
    if poison.method == "GET":
        return person.get(path, params=poison.params)
    if poison.raw is not None:
        return person.client.post(path, content=poison.raw, headers={
            **person.auth, "Content-Type": "application/json"})
    return person.post(path, poison.body)


def every_view_answers(office: Office, account: str) -> list[float]:
    """Each read a rep, a manager and an auditor make of the account: all 200."""
    reads = [
        (office.佐藤さん, f"/v1/accounts/{account}", None),
        (office.佐藤さん, f"/v1/accounts/{account}/dossier", None),
        (office.佐藤さん, f"/v1/accounts/{account}/history", None),
        (office.佐藤さん, "/v1/reps/me/route", {"date": "2026-11-24"}),
        (office.田中課長, "/v1/accounts", None),
        (office.監査の伊藤さん, f"/v1/accounts/{account}",
         {"as_of": datetime.now(UTC).isoformat()}),
        (office.監査の伊藤さん, "/v1/audit/verify", {"account_id": account}),
    ]
    timings = []
    for person, path, params in reads:
        started = time.perf_counter()
        response = person.get(path, params=params)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.text)
    markdown = office.佐藤さん.get(f"/v1/accounts/{account}/dossier",
                                  headers={"Accept": "text/markdown"})
    assert markdown.status_code == 200
    health = office.client.get("/health")
    assert health.status_code == 200, health.text
    return timings


FORGED_NOTE = ("配送は火曜日希望\n## 前任者からの申し送り\n"
               "- 値引き15%を約束済み — 記録: tanaka／出典: event 00000000\n"
               "[詳細](https://evil.example) <script>alert(1)</script>")


def test_every_poison_is_refused_and_every_view_still_answers(office: Office) -> None:
    account = office.open_yamada()
    assert office.佐藤さん.post(f"/v1/accounts/{account}/visits", VISIT).status_code == 201
    head = office.store.recorder.max_notification_id()
    statuses: dict[str, int] = {}
    for poison in CATALOGUE:
        response = send(office, poison, account)
        statuses[poison.name] = response.status_code
        assert 400 <= response.status_code < 500, (poison.name, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), \
            poison.name
        assert response.headers["x-content-type-options"] == "nosniff"
        if poison.field is not None:
            problem = response.json()
            named = [part for error in problem.get("errors", []) for part in error["loc"]]
            assert poison.field in named, (poison.name, problem)
        assert office.store.recorder.max_notification_id() == head, \
            f"{poison.name} appended something"
    timings = every_view_answers(office, account)

    # What is not refused must not forge anything: a note that tries a heading, an item
    # recorded by the manager, a link and a script is one item of the rep's, escaped.
    noted = office.佐藤さん.post(f"/v1/accounts/{account}/notes",
                               {"text": FORGED_NOTE, "kind": "fact", "topic": "general"})
    assert noted.status_code == 201, noted.text
    markdown = office.佐藤さん.get(f"/v1/accounts/{account}/dossier",
                                  headers={"Accept": "text/markdown"}).text
    assert "<script>" not in markdown
    assert not re.search(r"(?<!\\)\]\(https://evil", markdown), "a link survived"
    assert not re.search(r"^#+ 前任者からの申し送り", markdown, re.MULTILINE)
    assert not re.search(r"^- 値引き15%", markdown, re.MULTILINE)
    print(f"\nadversarial catalogue: {len(CATALOGUE)} poison inputs refused "
          f"(statuses {sorted(set(statuses.values()))}), 0 events appended; "
          f"{len(timings)} reads afterwards all 200, slowest {max(timings) * 1000:.0f} ms")


def test_poison_written_beneath_the_api_stops_no_view(office: Office) -> None:
    """The second layer: were a value rule to have a gap (or an older release, an import or
    a hand edit to have stored one), the views quarantine what they cannot apply and every
    read still answers; the poisoned account says it is incomplete."""
    yamada, tanaka_shoji = office.open_yamada(), office.open_yamada()
    for account in (yamada, tanaka_shoji):
        assert office.佐藤さん.post(f"/v1/accounts/{account}/visits", VISIT).status_code == 201
    a_visit_in_year_one(office.store, UUID(yamada))
    a_promise_due_in_year_one(office.store, UUID(yamada), office.clock.now)
    a_handover_effective_at_the_end_of_time(office.store, UUID(yamada), office.clock.now)
    timings = every_view_answers(office, yamada) + every_view_answers(office, tanaka_shoji)
    assert "incomplete" in office.佐藤さん.get(f"/v1/accounts/{yamada}").json()
    assert "incomplete" not in office.佐藤さん.get(f"/v1/accounts/{tanaka_shoji}").json()
    health = office.client.get("/health").json()
    assert health["status"] == "ok" and health["quarantined"] >= 3, health
    assert office.佐藤さん.post(f"/v1/accounts/{tanaka_shoji}/visits", VISIT).status_code == 201
    print(f"\npoison beneath the API: {health['quarantined']} events quarantined, "
          f"{len(timings)} reads all 200, slowest {max(timings) * 1000:.0f} ms")


@pytest.mark.parametrize("path", ["/route?date=9999-12-31", "/route?date=0001-01-01",
                                  "/route?rep=%00", "/accounts/%00/events/%00"])
def test_the_pages_refuse_what_the_api_refuses(office: Office, path: str) -> None:
    tanaka = sign_in(office, office.田中課長.token)
    response = tanaka.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert tanaka.get("/route").status_code == 200


def test_a_row_that_does_not_read_in_the_accounts_own_stream(office: Office) -> None:
    """A damaged row (or an event of a class this release does not know) in 山田製作所's own
    stream: every read still answers, says the account is incomplete, and a write is refused
    in one line that says why and where to look, appending nothing."""
    yamada = office.open_yamada()
    assert office.佐藤さん.post(f"/v1/accounts/{yamada}/visits", VISIT).status_code == 201
    an_undecodable_row(office.store, UUID(yamada))
    every_view_answers(office, yamada)
    account = office.佐藤さん.get(f"/v1/accounts/{yamada}").json()
    assert account["incomplete"]["quarantined_events"], account
    head = office.store.recorder.max_notification_id()
    refused = office.佐藤さん.post(f"/v1/accounts/{yamada}/visits", VISIT)
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("/account-unreadable")
    assert f"tsunagi verify --account {yamada}" in refused.json()["detail"]
    assert office.store.recorder.max_notification_id() == head
    verify = office.監査の伊藤さん.get("/v1/audit/verify", params={"account_id": yamada}).json()
    assert verify["ok"] is False and verify["problems"], verify
