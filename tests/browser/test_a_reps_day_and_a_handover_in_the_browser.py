"""In a real browser: 佐藤さん's day at 株式会社山田製作所, the handover to 鈴木さん, and
監査の伊藤さん looking back. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from playwright.sync_api import Page, expect

from tests.browser.conftest import Person, Server

JST = timezone(timedelta(hours=9))
SignIn = Callable[[str], Person]


def open_yamada(server: Server) -> str:
    """田中課長 opens the account; 佐藤さん last visited three weeks ago, so a visit is due."""
    with server.api("tanaka") as tanaka, server.api("sato") as sato:
        opened = tanaka.post("/v1/accounts", json={
            "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": 14})
        account = str(opened.json()["account_id"])
        weeks_ago = (datetime.now(JST) - timedelta(days=21)).replace(microsecond=0)
        assert sato.post(f"/v1/accounts/{account}/visits", json={
            "occurred_at": weeks_ago.isoformat(), "purpose": "定期訪問",
            "summary": "新ラインの立ち上げで忙しそう", "attendees": ["山田 一郎 部長"],
            "small_talk": True}).status_code == 201
        return account


def open_form(page: Page, summary: str) -> None:
    page.locator("summary", has_text=summary).first.click()


def test_satos_day(server: Server, sign_in: SignIn) -> None:
    account = open_yamada(server)
    sato = sign_in("sato")
    page = sato.page
    expect(page.get_by_role("heading", level=1)).to_have_text("今日のルート")
    visits_due = page.locator("section", has=page.get_by_role("heading", name="訪問予定の取引先"))
    expect(visits_due.get_by_role("link", name="株式会社山田製作所").first).to_be_visible()
    sato.screenshot("route")

    page.get_by_role("link", name="株式会社山田製作所").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("株式会社山田製作所")
    assert page.url.endswith(f"/accounts/{account}")

    open_form(page, "訪問を記録")
    page.get_by_label("目的").fill("定期訪問")
    page.get_by_label("出席者（1行に1人）").fill("山田 一郎 部長\n経理の中村さん")
    page.get_by_label("訪問の内容").fill("来期の予算の話。雑談はゴルフ。")
    page.get_by_label("雑談があった").check()
    page.get_by_label("次のアクション").fill("カタログを送る")
    page.get_by_role("button", name="訪問を記録").click()
    expect(page.get_by_role("status").first).to_have_text("訪問を記録しました。")

    open_form(page, "約束を記録")
    page.get_by_label("約束の内容").fill("カタログを金曜までに送る")
    page.get_by_label("約束の相手").fill("山田部長")
    page.get_by_role("button", name="約束を記録").click()
    expect(page.get_by_role("status").first).to_have_text("約束を記録しました。")
    expect(page.locator("#open-promises + table")).to_contain_text("カタログを金曜までに送る")

    open_form(page, "クレームを記録")
    page.get_by_label("件名").fill("納品遅延")
    page.get_by_label("重大度").select_option("high")
    page.get_by_role("button", name="クレームを記録").click()
    expect(page.get_by_role("status").first).to_have_text("クレームを記録しました。")
    open_form(page, "解決を記録する")
    page.get_by_label("解決内容").fill("再発防止策で合意")
    page.get_by_label("譲歩（値引き・特別対応など）").fill("次回納品分を3%値引き")
    page.get_by_role("button", name="解決を記録").click()
    expect(page.get_by_role("status").first).to_have_text("クレームの解決を記録しました。")

    open_form(page, "要望を記録")
    page.get_by_label("要望の種類").select_option("discount")
    page.get_by_label("要望の内容").fill("来期の単価を5%下げてほしい")
    page.get_by_role("button", name="要望を記録").click()
    expect(page.get_by_role("status").first).to_have_text("要望を記録しました。")
    open_form(page, "回答を記録する")
    page.get_by_label("回答", exact=True).select_option("partly")
    page.get_by_label("譲歩した内容").fill("値下げ 3% を了承")
    page.get_by_role("button", name="回答を記録").click()
    expect(page.get_by_role("status").first).to_have_text("要望への回答と譲歩を記録しました。")

    page.get_by_label("記録の種類").select_option("complaint")
    page.get_by_role("button", name="絞り込む").click()
    timeline = page.locator("#timeline-items")
    expect(timeline).to_contain_text("クレーム受付")
    expect(timeline).to_contain_text("クレーム解決")
    expect(timeline).not_to_contain_text("カタログを金曜までに送る")

    page.get_by_label("記録の種類").select_option("")
    page.get_by_role("button", name="絞り込む").click()
    expect(timeline).to_contain_text("値下げ 3% を了承")
    sato.screenshot("account")

    sato.go(f"/accounts/{account}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_a_handover_from_sato_to_suzuki(server: Server, sign_in: SignIn) -> None:
    account = open_yamada(server)
    with server.api("sato") as sato:
        assert sato.post(f"/v1/accounts/{account}/promises", json={
            "description": "年末の在庫確保", "due_date": "2026-12-20",
            "made_to": "中村さん"}).status_code == 201
        assert sato.post(f"/v1/accounts/{account}/notes", json={
            "text": "競合A社の話題は禁句", "topic": "taboo"}).status_code == 201

    tanaka = sign_in("tanaka")
    tanaka.go(f"/accounts/{account}")
    open_form(tanaka.page, "引き継ぎを開始")
    tanaka.page.get_by_label("後任者のユーザーID").fill("suzuki")
    tanaka.page.get_by_label("理由").fill("佐藤さんの大阪支店への異動")
    tanaka.page.get_by_role("button", name="引き継ぎを開始").click()
    expect(tanaka.page.get_by_role("status").first).to_have_text("引き継ぎを開始しました。")

    suzuki = sign_in("suzuki")
    page = suzuki.page
    page.get_by_role("link", name="株式会社山田製作所 の引き継ぎ資料").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "引き継ぎ資料: 株式会社山田製作所")
    expect(page.locator("#promises ~ ul").first).to_contain_text("佐藤 健さんが中村さんに約束")
    expect(page.get_by_text("競合A社の話題は禁句")).to_be_visible()
    suzuki.screenshot("dossier")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    suzuki.screenshot("dossier-print")
    page.emulate_media(media="screen")

    promise = page.locator("li", has_text="年末の在庫確保").first
    promise.locator(".provenance a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("約束の記録")
    expect(page.locator("dl.facts")).to_contain_text("年末の在庫確保")
    page.go_back()

    page.get_by_role("button", name="引き継ぎ資料を確認しました").click()
    expect(page.get_by_text("確認済み版（凍結）")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("この内容で凍結されました")
    assert re.search(r"/handovers/[0-9a-f-]+/dossier", page.url)
    suzuki.screenshot("dossier-acknowledged")


def test_ito_looks_back_and_verifies(server: Server, sign_in: SignIn) -> None:
    account = open_yamada(server)
    ito = sign_in("ito")
    page = ito.page
    expect(page.get_by_role("heading", level=1)).to_have_text("取引先一覧")
    ito.go(f"/accounts/{account}")
    page.get_by_role("link", name="監査（過去時点・検証・出力）").click()
    earlier = (datetime.now(JST) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("日時（日本時間）").fill(earlier)
    page.get_by_role("button", name="この時点を表示").click()
    expect(page.locator("#as-of-result")).to_contain_text("佐藤 健さん")
    page.get_by_role("button", name="検証する").click()
    expect(page.locator("#verify-result")).to_contain_text("問題なし")
    expect(page.get_by_role("link", name="CSV（Excel用・BOM付き）")).to_be_visible()
    ito.screenshot("audit")


def test_the_timeline_loads_more_as_sato_scrolls(server: Server, sign_in: SignIn) -> None:
    account = open_yamada(server)
    with server.api("sato") as sato_api:
        for number in range(60):
            assert sato_api.post(f"/v1/accounts/{account}/notes", json={
                "text": f"メモ{number}"}).status_code == 201
    sato = sign_in("sato")
    sato.go(f"/accounts/{account}")
    items = sato.page.locator("#timeline-items > li")
    expect(items).to_have_count(50)
    sato.page.get_by_role("link", name="さらに前を表示").scroll_into_view_if_needed()
    expect(items).to_have_count(62)
    expect(sato.page.get_by_role("link", name="さらに前を表示")).to_have_count(0)
    expect(sato.page.get_by_role("status")).to_have_text("62件を表示しています")
