"""The dossier and account pages as 鈴木さん reads them after 株式会社山田製作所 passed to him:
people by name, codes in Japanese, computed things marked 推定 with their evidence, what was
said at the joint visit still there; and nothing wider than a phone (390 px)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_dossier_in_words import 山田製作所を鈴木さんへ
from tests.web.conftest import WebOffice

WEB = Path(__file__).parents[2] / "api" / "web"
IDS_AND_CODES = re.compile(r"\b(sato|suzuki|tanaka|critical|supportive|high|medium|broken|"
                           r"discount|in_person|joint_visit|ramp_up|closed)\b")


class Visible(HTMLParser):
    """The text a person sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style", "title")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style", "title")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts))


def test_the_dossier_page_in_words(web: WebOffice) -> None:
    account = 山田製作所を鈴木さんへ(web.office).removeprefix("/v1/accounts/")
    page = web.鈴木さん.get(f"/accounts/{account}/dossier")
    assert page.status_code == 200
    text = visible(page.text)
    for said in ("同行訪問（佐藤 健さん → 鈴木 一郎さん）: 今井課長は無言",
                 "訪問は火曜か木曜の午前10時が良い",
                 "最終決裁者。数字と根拠で話す人（記録 佐藤 健さん）",
                 "サンプル持参（佐藤 健さんが中村さんに約束", "に守れなかったと記録 佐藤 健さん",
                 "批判的", "約束の期限切れ (2026-11-15, 佐藤 健さんの約束)",
                 "推定・根拠", "意見・記録 佐藤 健さん"):
        assert said in text, said
    for heading in ("好み・習慣", "メモ", "守れなかった約束", "要望",
                    "引き継ぎ時のメモ（同行訪問・担当交代の連絡）"):
        assert f">{heading}</h" in page.text, heading
    assert not IDS_AND_CODES.findall(text), IDS_AND_CODES.findall(text)


def test_a_successor_score_stands_only_beside_its_comparison(web: WebOffice) -> None:
    account = 山田製作所を鈴木さんへ(web.office).removeprefix("/v1/accounts/")
    text = visible(web.鈴木さん.get(f"/accounts/{account}/dossier").text)
    tenures = text[text.index("担当の変遷と健全度"):text.index("取引 ")]
    if "同じ期間で比べると" not in tenures:
        assert "前任者と同じ期間で比べられるまで表示しません" in tenures
    account_page = visible(web.鈴木さん.get(f"/accounts/{account}").text)
    health = account_page[account_page.index("健全度（担当期間ごと）"):]
    suzuki = health[health.index("鈴木 一郎さん"):]
    assert ("同じ期間で比べると" in suzuki.split("警告")[0]
            or "前任者と同じ期間で比べられるまで表示しません" in suzuki.split("警告")[0])


def test_the_account_page_in_words(web: WebOffice) -> None:
    account = 山田製作所を鈴木さんへ(web.office).removeprefix("/v1/accounts/")
    page = web.鈴木さん.get(f"/accounts/{account}?kind=handover")
    text = visible(page.text)
    assert "佐藤 健さん → 鈴木 一郎さん" in text, "the timeline's handover, by name"
    assert "約束の期限切れ (2026-11-15, 佐藤 健さんの約束)（推定・根拠" in visible(
        web.鈴木さん.get(f"/accounts/{account}").text)
    started = re.search(r'id="event-([0-9a-f-]+)">\s*<p><span class="kind">引き継ぎ開始',
                        page.text)
    assert started
    event = visible(web.鈴木さん.get(f"/accounts/{account}/events/{started[1]}").text)
    assert "前任者佐藤 健さん" in event and "後任者鈴木 一郎さん" in event, "dt then dd"
    form_hints = {"例: suzuki"}  # the handover form asks for a user id
    shown = text
    for hint in form_hints:
        shown = shown.replace(hint, "")
    assert not IDS_AND_CODES.findall(shown), IDS_AND_CODES.findall(shown)


def test_nothing_is_wider_than_a_phone() -> None:
    """Every page stays usable at 390 px: no inline styles, no fixed widths in the sheet."""
    for template in (WEB / "templates").glob("*.html"):
        assert not re.search(r"\bstyle=|\bwidth=\"\d{3,}", template.read_text()), template
    sheet = (WEB / "static" / "tsunagi.css").read_text()
    for prop, size, unit in re.findall(r"(?<![-\w])(min-width|width):\s*(\d+(?:\.\d+)?)(px|rem|em)",
                                       sheet):
        assert float(size) * (1 if unit == "px" else 16) <= 390, (prop, size, unit)


def test_the_baseline_and_the_comparison_on_the_dossier_page(
        web: WebOffice, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the baseline and the comparison the health view gives each later tenure."""
    from api.reads import dossier as reads
    from tests.unit.test_dossier_in_words import COMPARISON, baseline_of

    presented = reads.present

    def with_fairness(*args: Any, **kwargs: Any) -> dict[str, Any]:
        document = presented(*args, **kwargs)
        for tenure in document["tenures"][1:]:
            tenure.update(baseline=baseline_of(document), comparison=COMPARISON)
        return document

    monkeypatch.setattr(reads, "present", with_fairness)
    account = 山田製作所を鈴木さんへ(web.office).removeprefix("/v1/accounts/")
    page = web.鈴木さん.get(f"/accounts/{account}/dossier")
    text = visible(page.text)
    assert "引き継ぎ時点の状態（鈴木 一郎さんが受け取ったもの" in text
    for said in ("カタログを送る（期限 2026年9月20日(日)、佐藤 健さんが約束）",
                 "雑談の割合: 20%（直近5回の訪問） 推定・根拠",
                 "同じ期間で比べると（担当開始から30日）: "
                 "前任 佐藤 健さん 71点／鈴木 一郎さん 68点"):
        assert said in text, said
    assert not IDS_AND_CODES.findall(text), IDS_AND_CODES.findall(text)
