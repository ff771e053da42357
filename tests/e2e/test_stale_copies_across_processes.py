"""Two API processes on one store: what one process remembers of an account never decides
who may write to it. The store does, and answers as the contract says."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import build_application
from api.main import create_app
from api.settings import Settings
from tests.conftest import Clock
from tests.e2e.conftest import Office, Person


@dataclass
class OtherProcess:
    """The same people, talking to a second app on the same store (another worker)."""

    田中課長: Person
    佐藤さん: Person
    鈴木さん: Person


@pytest.fixture
def other_process(office: Office, settings: Settings, clock: Clock) -> Iterator[OtherProcess]:
    worker = build_application(settings, clock=clock)
    external = Settings(**{**settings.model_dump(), "projector": "external"})
    try:
        with TestClient(create_app(external, application=worker)) as client:
            yield OtherProcess(田中課長=Person(client, office.田中課長.token),
                               佐藤さん=Person(client, office.佐藤さん.token),
                               鈴木さん=Person(client, office.鈴木さん.token))
    finally:
        worker.close()


def visit(purpose: str) -> dict[str, str]:
    return {"occurred_at": "2026-11-20T09:00:00+09:00", "purpose": purpose}


def stored(office: Office, account: str) -> int:
    return len(list(office.store.events.get(UUID(account))))


def hand_over_to_suzuki(process: OtherProcess, base: str) -> None:
    started = process.田中課長.post(f"{base}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
        "effective_at": "2026-11-20T09:00:00+09:00"})
    assert started.status_code == 201, started.text
    done = process.田中課長.post(f"{base}/handovers/{started.json()['handover_id']}/complete")
    assert done.status_code == 200, done.text


def test_a_former_owner_writing_through_a_stale_process_is_not_found(
        office: Office, other_process: OtherProcess) -> None:
    account = office.open_yamada()
    base = f"/v1/accounts/{account}"
    first = office.佐藤さん.post(f"{base}/visits", visit("定期訪問"))
    assert first.status_code == 201, "this process now remembers 佐藤さん as the owner"
    hand_over_to_suzuki(other_process, base)
    before = stored(office, account)

    refused = office.佐藤さん.post(f"{base}/visits", visit("引き継ぎ後の訪問"))
    assert refused.status_code == 404, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    with_if_match = office.佐藤さん.post(f"{base}/notes", {"text": "最後に一言"},
                                        headers={"If-Match": first.headers["ETag"]})
    assert with_if_match.status_code == 404, "not found wins over a stale version"
    assert stored(office, account) == before, "the refusals appended nothing"
    assert office.佐藤さん.get(base).status_code == 404


def test_a_new_owner_writes_through_a_process_that_remembers_the_old_one(
        office: Office, other_process: OtherProcess) -> None:
    account = office.open_yamada()
    base = f"/v1/accounts/{account}"
    assert office.佐藤さん.post(f"{base}/visits", visit("定期訪問")).status_code == 201
    hand_over_to_suzuki(other_process, base)
    before = stored(office, account)

    recorded = office.鈴木さん.post(f"{base}/visits", visit("後任の初訪問"))
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["version"] == before + 1
    assert other_process.佐藤さん.post(f"{base}/notes", {"text": "念のため"}).status_code == 404
    assert other_process.鈴木さん.post(f"{base}/notes", {"text": "挨拶済み"}).status_code == 201
