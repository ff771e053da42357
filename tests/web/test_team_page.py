"""田中課長 opens the team board page: every list in Japanese, people by name, each list as
CSV that Excel opens (BOM); reps and auditors are turned away."""

from __future__ import annotations

import csv
import io

import pytest

from api.web.pages import team as team_page
from tests.e2e.test_team_board import the_story
from tests.web.conftest import WebOffice


def test_課長はチームボードを日本語で見て各一覧をCSVで持ち出せる(web: WebOffice) -> None:
    story = the_story(web.office)
    page = web.田中課長.get("/team", params={"date": "2026-11-20"})
    assert page.status_code == 200, page.text
    text = page.text
    for heading in ("担当者別", "期限切れの約束", "進行中の引き継ぎ",
                    "引き継ぎ後のチェックポイント", "90日以内の契約更新", "直近90日の譲歩"):
        assert heading in text, heading
    assert "佐藤 健" in text and "鈴木 一郎" in text, "people by name"
    assert "1件（うち引き継ぎ 1件）" in text, "鈴木さん's inherited figures are said as such"
    assert f'href="/accounts/{story["yamada"]}"' in text
    assert "12,000,000円" in text and "今回限り送料無料" in text
    assert "suzuki" not in text.replace('href="/route?rep=suzuki"', ""), "never a bare id"

    download = web.田中課長.get("/team/promises.csv", params={"date": "2026-11-20"})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert download.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["約束", "取引先", "期限", "担当者", "約束した人"]
    assert sorted(row[0] for row in rows[1:]) == ["サンプルを届ける", "見積書を再提出する"]
    assert ["サンプルを届ける", "川崎商事株式会社", "2026-11-18（2日超過）", "鈴木 一郎さん",
            "高橋 花子さん（前任）"] in rows

    assert web.田中課長.get("/team/nothing.csv").status_code == 404


def test_長い一覧はページに急ぐものだけ_CSVには全部(web: WebOffice,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    the_story(web.office)
    monkeypatch.setattr(team_page, "LISTED_AT_MOST", 1)
    page = web.田中課長.get("/team", params={"date": "2026-11-20"})
    assert page.status_code == 200, page.text
    assert "見積書を再提出する" in page.text and "サンプルを届ける" not in page.text
    assert "急ぐものから1件を表示しています。すべてはCSVで。" in page.text
    download = web.田中課長.get("/team/promises.csv", params={"date": "2026-11-20"})
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == ["サンプルを届ける", "見積書を再提出する"]


def test_担当者と監査担当にはチームボードを見せない(web: WebOffice) -> None:
    for person in (web.佐藤さん, web.監査の伊藤さん):
        assert person.get("/team").status_code == 403
        assert person.get("/team/reps.csv").status_code == 403
