"""The accounts list page (#19): 田中課長 searches ﾔﾏﾀﾞ from the box and pages through the
list 50 at a time, with no cap (the list stopped at 500); 佐藤さん sees only
his own."""

from __future__ import annotations

import html
import re

from tests.e2e.conftest import Office
from tests.web.conftest import WebOffice

ROW = re.compile(r'<th scope="row"><a href="/accounts/([0-9a-f-]{36})">')
NEXT = re.compile(r'<a rel="next" href="([^"]+)">')


def open_account(office: Office, name: str, owner: str = "sato") -> str:
    opened = office.田中課長.post("/v1/accounts", {"name": name, "owner_rep_id": owner,
                                                 "visit_cadence_days": 14})
    assert opened.status_code == 201, opened.text
    return str(opened.json()["account_id"])


def test_the_search_box_finds_half_width_kana_and_a_rep_sees_his_own(web: WebOffice) -> None:
    office = web.office
    open_account(office, "ヤマダ商事株式会社")
    open_account(office, "鈴木商店", owner="suzuki")
    found = web.田中課長.get("/accounts", params={"q": "ﾔﾏﾀﾞ"})
    assert found.status_code == 200
    assert 'name="q"' in found.text and "ﾔﾏﾀﾞ" in html.unescape(found.text)
    assert "ヤマダ商事株式会社" in found.text and "鈴木商店" not in found.text
    assert "鈴木商店" not in web.佐藤さん.get("/accounts").text
    assert "鈴木商店" in web.鈴木さん.get("/accounts").text
    nothing = web.田中課長.get("/accounts", params={"q": "存在しない"})
    assert "「存在しない」を含む取引先はありません" in nothing.text


def test_the_list_pages_on_past_fifty_with_no_cap(web: WebOffice) -> None:
    office = web.office
    opened = {open_account(office, f"取引先{n:03d}") for n in range(53)}
    first = web.田中課長.get("/accounts")
    assert len(ROW.findall(first.text)) == 50
    following = NEXT.search(first.text)
    assert following is not None
    second = web.田中課長.get(html.unescape(following[1]))
    assert len(ROW.findall(second.text)) == 3 and NEXT.search(second.text) is None
    assert set(ROW.findall(first.text)) | set(ROW.findall(second.text)) == opened


def test_a_forged_cursor_is_a_page_not_a_500(web: WebOffice) -> None:
    open_account(web.office, "株式会社山田製作所")
    answer = web.田中課長.get("/accounts", params={"cursor": "bm90LWEtY3Vyc29y"})
    assert answer.status_code == 422
    assert "一覧の最初から開き直してください" in answer.text
