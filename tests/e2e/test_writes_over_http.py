"""If-Match, Idempotency-Key and racing writers, over HTTP."""

from __future__ import annotations

import threading

from tests.e2e.conftest import Office

VISIT = {"occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問"}


def versions(office: Office, account: str) -> list[int]:
    items = office.監査の伊藤さん.get(f"/v1/accounts/{account}/history",
                                    params={"limit": 500}).json()["items"]
    return [i["version"] for i in items]


def test_a_stale_if_match_is_412_and_appends_nothing(office: Office) -> None:
    account = office.open_yamada()
    sato = office.佐藤さん
    view = sato.get(f"/v1/accounts/{account}")
    etag = view.headers["ETag"]
    assert sato.post(f"/v1/accounts/{account}/visits", VISIT,
                     headers={"If-Match": etag}).status_code == 201
    stale = sato.post(f"/v1/accounts/{account}/visits", VISIT, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["status"] == 412
    assert versions(office, account) == [1, 2]
    fresh = sato.get(f"/v1/accounts/{account}").headers["ETag"]
    assert fresh == '"2"'
    assert sato.post(f"/v1/accounts/{account}/visits", VISIT,
                     headers={"If-Match": fresh}).status_code == 201
    malformed = sato.post(f"/v1/accounts/{account}/visits", VISIT,
                          headers={"If-Match": "not-an-etag"})
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["loc"] == ["header", "if-match"]


def test_an_idempotency_key_makes_a_retry_safe(office: Office) -> None:
    account = office.open_yamada()
    sato = office.佐藤さん
    key = {"Idempotency-Key": "visit-2026-11-20-yamada"}
    first = sato.post(f"/v1/accounts/{account}/visits", VISIT, headers=key)
    again = sato.post(f"/v1/accounts/{account}/visits", VISIT, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.headers["ETag"] == again.headers["ETag"]
    assert versions(office, account) == [1, 2]

    other_body = sato.post(f"/v1/accounts/{account}/visits", {**VISIT, "purpose": "別件"},
                           headers=key)
    assert other_body.status_code == 422
    assert other_body.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert versions(office, account) == [1, 2]

    opened = [office.田中課長.post("/v1/accounts", {"name": "株式会社田中商店",
                                                  "owner_rep_id": "sato",
                                                  "visit_cadence_days": 30},
                                 headers={"Idempotency-Key": "open-tanaka-shoten"})
              for _ in range(2)]
    assert opened[0].json() == opened[1].json()


def test_racing_writers_each_land_once_or_hear_409(office: Office) -> None:
    account = office.open_yamada()
    results: list[int] = []
    start = threading.Barrier(10)

    def write(n: int) -> None:
        start.wait()
        response = office.佐藤さん.post(f"/v1/accounts/{account}/visits",
                                       {**VISIT, "purpose": f"訪問 {n}"})
        results.append(response.status_code)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert set(results) <= {201, 409}
    assert versions(office, account) == list(range(1, 2 + results.count(201)))
