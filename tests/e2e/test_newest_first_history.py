"""佐藤さん reads 株式会社山田製作所's history newest first, a page further into the past each
time; an auditor still gets it oldest first by default, as contract v1 says."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Office


def history(office: Office, account: str, **params: Any) -> dict[str, Any]:
    answer = office.佐藤さん.get(f"/v1/accounts/{account}/history", params=params)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_newest_first_pages_into_the_past(office: Office) -> None:
    account = office.open_yamada()
    for n in range(7):
        answer = office.佐藤さん.post(f"/v1/accounts/{account}/notes", {"text": f"メモ{n}"})
        assert answer.status_code == 201
    pages, cursor = [], None
    while True:
        page = history(office, account, order="newest", limit=3,
                       **({"cursor": cursor} if cursor else {}))
        pages.append([item["version"] for item in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [[8, 7, 6], [5, 4, 3], [2, 1]]
    newest = history(office, account, order="newest", limit=1, kind="note_added")["items"]
    assert newest[0]["data"]["text"] == "メモ6"
    oldest = history(office, account, limit=3)
    assert [item["version"] for item in oldest["items"]] == [1, 2, 3], "v1: oldest first"
    assert oldest["next_cursor"] == "3"


def test_an_unknown_order_is_refused_naming_it(office: Office) -> None:
    account = office.open_yamada()
    answer = office.佐藤さん.get(f"/v1/accounts/{account}/history", params={"order": "random"})
    assert answer.status_code == 422
    assert "order" in answer.text
