"""The accounts list (#19) over HTTP, on SQLite and PostgreSQL.

田中課長 looks over the company's customers: he searches ﾔﾏﾀﾞ as his phone types it and
finds ヤマダ商事, picks the contracts ending before spring, the accounts cooling, the worst
health first, and pages through them all while 佐藤さん keeps opening new ones. 佐藤さん
sees only his own; 鈴木さん, taking over 株式会社山田製作所, sees it from the day the handover
starts, and while he ramps up the list says 立ち上がり期間, never a score.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Office, Person

JST = "+09:00"


def open_account(office: Office, name: str, owner: str = "sato", cadence: int = 14) -> str:
    opened = office.田中課長.post("/v1/accounts", {"name": name, "owner_rep_id": owner,
                                                 "visit_cadence_days": cadence})
    assert opened.status_code == 201, opened.text
    return str(opened.json()["account_id"])


def listed(person: Person, **params: Any) -> dict[str, Any]:
    answer = person.get("/v1/accounts", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def names(person: Person, **params: Any) -> list[str]:
    return [item["name"] for item in listed(person, **params)["items"]]


def every_page(person: Person, between: Any = None, **params: Any) -> list[dict[str, Any]]:
    """Follow next_cursor to its end; ``between()`` runs after each page."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = listed(person, **params, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page["next_cursor"]
        if between is not None:
            between()
        if cursor is None:
            return items


def record(person: Person, url: str, body: dict[str, Any]) -> dict[str, Any]:
    done = person.post(url, body)
    assert done.status_code in (200, 201), done.text
    return done.json()  # type: ignore[no-any-return]


def test_half_width_kana_and_full_width_letters_find_the_name_as_registered(
        office: Office) -> None:
    tanaka = office.田中課長
    open_account(office, "ヤマダ商事株式会社")
    open_account(office, "株式会社山田製作所")
    open_account(office, "Yamamoto Trading")
    open_account(office, "鈴木商店")

    assert names(tanaka, q="ﾔﾏﾀﾞ") == ["ヤマダ商事株式会社"]
    assert names(tanaka, q="山田") == ["株式会社山田製作所"]
    assert names(tanaka, q="ｙａｍａｍｏｔｏ") == ["Yamamoto Trading"]
    assert names(tanaka, q="yamamoto") == ["Yamamoto Trading"]
    assert names(tanaka, q="%") == []  # a LIKE wildcard is a character like any other
    assert len(names(tanaka)) == 4


def test_a_rep_lists_only_his_own_and_the_one_being_handed_to_him_others_list_all(
        office: Office) -> None:
    tanaka, sato, suzuki, takahashi = (office.田中課長, office.佐藤さん, office.鈴木さん,
                                       office.高橋さん)
    yamada = open_account(office, "株式会社山田製作所", "sato")
    open_account(office, "佐藤商会", "sato")
    open_account(office, "鈴木商店", "suzuki")
    record(tanaka, f"/v1/accounts/{yamada}/handovers", {
        "to_rep_id": "takahashi", "reason": "佐藤さんの異動",
        "effective_at": f"2026-12-01T09:00:00{JST}"})

    assert sorted(names(sato)) == ["佐藤商会", "株式会社山田製作所"]
    assert names(suzuki) == ["鈴木商店"]
    assert names(takahashi) == ["株式会社山田製作所"]
    assert names(suzuki, owner_rep_id="sato") == []  # a filter never widens what he may read
    assert len(names(tanaka)) == len(names(office.監査の伊藤さん)) == 3
    assert sorted(names(tanaka, owner_rep_id="sato")) == ["佐藤商会", "株式会社山田製作所"]
    mine = listed(sato)["items"]
    assert {item["owner_name"] for item in mine} == {"佐藤 健"}
    handed = next(item for item in mine if item["name"] == "株式会社山田製作所")
    assert handed["successor_rep_id"] == "takahashi" and handed["handover"] is not None


@pytest.mark.parametrize("sort", ["name", "next_visit_due", "contract_end", "health"])
def test_paging_to_the_end_lists_every_account_once_while_new_ones_are_opened(
        office: Office, sort: str) -> None:
    there = {open_account(office, f"取引先{n:02d}", cadence=7 + n % 5) for n in range(23)}
    opened_meanwhile: list[str] = []

    def another_is_opened() -> None:  # before and after any cursor, in every order
        n = len(opened_meanwhile)
        opened_meanwhile.append(open_account(office, f"{'あ' if n % 2 else '取引先99'}新規{n}",
                                             cadence=3 + 20 * (n % 2)))

    items = every_page(office.田中課長, between=another_is_opened, sort=sort, limit=5)
    ids = [item["account_id"] for item in items]
    assert len(ids) == len(set(ids)), "an account listed twice"
    assert there <= set(ids), "an account missed"
    assert set(ids) <= there | set(opened_meanwhile)
    # 23 accounts in pages of 5 is 5 pages at least; one opened after the cursor (its id,
    # random, sorts it there when the order's key ties) may add a page
    assert len(opened_meanwhile) >= 5


def test_filters_and_orders_read_the_contract_the_visits_and_the_cooling(
        office: Office) -> None:
    tanaka, sato = office.田中課長, office.佐藤さん
    yamada = open_account(office, "株式会社山田製作所", cadence=30)
    kato = open_account(office, "加藤工業", cadence=7)
    open_account(office, "伊藤精機", cadence=60)
    record(sato, f"/v1/accounts/{yamada}/renewals", {
        "renewed_at": f"2026-04-01T10:00:00{JST}", "contract_end": "2027-03-31",
        "terms": "年間保守", "annual_value_jpy": 1_200_000})
    record(sato, f"/v1/accounts/{kato}/renewals", {
        "renewed_at": f"2026-06-01T10:00:00{JST}", "contract_end": "2027-05-31",
        "terms": "年間保守", "annual_value_jpy": 800_000})
    for day in range(1, 6):  # five formal visits: small talk stays low
        record(sato, f"/v1/accounts/{kato}/visits", {
            "occurred_at": f"2026-11-{day + 10:02d}T10:00:00{JST}", "purpose": "定期訪問",
            "small_talk": False})

    assert names(tanaka, contract_ends_before="2027-04-01") == ["株式会社山田製作所"]
    assert names(tanaka, contract_ends_before="2027-06-01", sort="contract_end") == [
        "株式会社山田製作所", "加藤工業"]
    assert names(tanaka, sort="contract_end")[-1] == "伊藤精機"  # no contract: last
    assert names(tanaka, sort="next_visit_due") == ["加藤工業", "株式会社山田製作所", "伊藤精機"]
    assert names(tanaka, cooling="true") == ["加藤工業"]
    assert sorted(names(tanaka, cooling="false")) == ["伊藤精機", "株式会社山田製作所"]
    kato_row = listed(tanaka, cooling="true")["items"][0]
    assert kato_row["cooling"] is True
    assert "small_talk_low" in [w["code"] for w in kato_row["warnings"]]
    assert kato_row["contract_end"] == "2027-05-31"
    yamada_row = listed(tanaka, q="山田")["items"][0]
    assert yamada_row["contract"]["annual_value_jpy"] == 1_200_000  # v1 fields still there
    assert "renewal_due" not in [w["code"] for w in yamada_row["warnings"]]


def test_health_ordering_puts_the_weakest_first(office: Office) -> None:
    tanaka, sato = office.田中課長, office.佐藤さん
    kept = open_account(office, "約束を守る商店")
    broken = open_account(office, "約束を破られた工業")
    for account, outcome in ((kept, "kept"), (broken, "broken")):
        for n in range(3):
            made = record(sato, f"/v1/accounts/{account}/promises", {
                "description": f"見積り{n}", "due_date": "2026-11-25", "made_to": "部長"})
            record(sato, f"/v1/accounts/{account}/promises/{made['promise_id']}/close",
                   {"outcome": outcome})
    items = listed(tanaka, sort="health")["items"]
    assert [item["name"] for item in items] == ["約束を破られた工業", "約束を守る商店"]
    scores = [item["health"]["score"] for item in items]
    assert scores[0] < scores[1]


def test_warnings_and_ramp_up_follow_today_without_a_new_event(office: Office) -> None:
    """The list stores dates, so a promise falls overdue and a successor's ramp-up ends on
    the day they do, though nothing is recorded on the account."""
    tanaka, sato, suzuki = office.田中課長, office.佐藤さん, office.鈴木さん
    yamada = open_account(office, "株式会社山田製作所", cadence=14)
    record(sato, f"/v1/accounts/{yamada}/promises", {
        "description": "カタログを送る", "due_date": "2026-11-27", "made_to": "山田部長"})
    started = record(tanaka, f"/v1/accounts/{yamada}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの異動",
        "effective_at": f"2026-11-20T10:00:00{JST}"})
    record(tanaka, f"/v1/accounts/{yamada}/handovers/{started['handover_id']}/complete", {})

    row = listed(suzuki)["items"][0]
    assert row["health"]["status"] == "ramp_up" and row["health"]["score"] is None
    assert row["health"]["comparison"] is None
    assert "promise_overdue" not in [w["code"] for w in row["warnings"]]

    office.clock.advance(days=8)  # 2026-11-28: the promise is a day overdue
    row = listed(suzuki)["items"][0]
    overdue = [w for w in row["warnings"] if w["code"] == "promise_overdue"]
    assert overdue and "佐藤 健さん" in overdue[0]["message"]
    assert "visit_overdue" not in [w["code"] for w in row["warnings"]]

    office.clock.advance(days=83)  # 91 days after the handover: ramp-up is over
    row = listed(suzuki)["items"][0]
    assert row["health"]["status"] != "ramp_up"
    assert "visit_overdue" in [w["code"] for w in row["warnings"]]
    comparison = row["health"]["comparison"]
    assert comparison is not None and comparison["predecessor_rep_id"] == "sato", (
        "a successor's score is listed only beside the predecessor's over the same days")
    assert set(comparison) == {"predecessor_rep_id", "days", "predecessor_score", "score",
                               "same_season_last_year_score"}


@pytest.mark.parametrize(("params", "field"), [
    ({"limit": 201}, "limit"),
    ({"limit": 0}, "limit"),
    ({"sort": "owner"}, "sort"),
    ({"cursor": "not a cursor!"}, "cursor"),
    ({"cursor": "WyJuYW1lIiwxXQ"}, "cursor"),  # base64 of ["name",1]: not a whole cursor
    ({"contract_ends_before": "2027-13-01"}, "contract_ends_before"),
    ({"contract_ends_before": "1800-01-01"}, "contract_ends_before"),
    ({"cooling": "maybe"}, "cooling"),
    ({"q": "山" * 101}, "q"),
])
def test_a_bad_parameter_is_422_naming_it(office: Office, params: dict[str, Any],
                                          field: str) -> None:
    open_account(office, "株式会社山田製作所")
    answer = office.田中課長.get("/v1/accounts", params=params)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [e["loc"][-1] for e in answer.json()["errors"]] == [field]


def test_a_cursor_for_another_order_is_422(office: Office) -> None:
    tanaka = office.田中課長
    for n in range(3):
        open_account(office, f"取引先{n}")
    cursor = listed(tanaka, limit=1)["next_cursor"]
    assert cursor is not None
    assert listed(tanaka, limit=1, cursor=cursor)["items"][0]["name"] == "取引先1"
    answer = tanaka.get("/v1/accounts", params={"limit": 1, "cursor": cursor,
                                                "sort": "health"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"][-1] == "cursor"
