"""No visit lost without signal: 鈴木さん records her visit to 株式会社山田製作所 in the car park,
where the phone has no signal. What she typed survives a reload; sent offline, the visit waits
in the browser with a notice, and goes by itself once the phone is back online — even when the
first answer is lost on the way back, the resend carries the same key, so the visit is recorded
exactly once."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Person, Server

PHONE = {"width": 390, "height": 844}
SignIn = Callable[[str], Person]
QUEUED = "オフラインのため下書きを保存しました。電波が戻ったら自動で送信します。"
SENT = "送信しました"


def yamada_for_suzuki(server: Server) -> str:
    with server.api("tanaka") as tanaka:
        opened = tanaka.post("/v1/accounts", json={
            "name": "株式会社山田製作所", "owner_rep_id": "suzuki", "visit_cadence_days": 14,
            "started_on": "2026-10-01"})
        assert opened.status_code == 201, opened.text
        return str(opened.json()["account_id"])


def visits(server: Server, account: str) -> list[dict[str, Any]]:
    with server.api("suzuki") as suzuki:
        answer = suzuki.get(f"/v1/accounts/{account}/history",
                            params={"kind": "visit_recorded"})
        assert answer.status_code == 200, answer.text
        return list(answer.json()["items"])


def outbox(page: Page) -> list[str]:
    return list(page.evaluate(
        "Object.keys(localStorage).filter((key) => key.startsWith('tsunagi.outbox:'))"))


def test_a_visit_recorded_without_signal_is_sent_once_back_online(
        server: Server, sign_in: SignIn) -> None:
    account = yamada_for_suzuki(server)
    suzuki = sign_in("suzuki")
    page = suzuki.page
    page.set_viewport_size(PHONE)
    suzuki.go(f"/accounts/{account}#record")
    page.locator("summary", has_text="訪問を記録").first.click()
    page.get_by_label("出席者（1行に1人）").fill("山田 一郎 部長\n経理の中村さん")
    page.get_by_label("訪問の内容").fill("年末の増産の相談。納品遅延のお詫びも済ませた")
    page.get_by_label("次のアクション").fill("見積もりを金曜までに送る")

    page.reload()  # the draft stays in the browser
    expect(page.get_by_label("訪問の内容")).to_have_value("年末の増産の相談。納品遅延のお詫びも済ませた")
    expect(page.get_by_label("出席者（1行に1人）")).to_have_value("山田 一郎 部長\n経理の中村さん")

    page.context.set_offline(True)
    page.get_by_role("button", name="訪問を記録").click()
    expect(page.get_by_role("status").filter(has_text=QUEUED)).to_be_visible()
    suzuki.screenshot("visit-offline-phone")
    assert len(outbox(page)) == 1
    assert visits(server, account) == []

    sent: list[tuple[str, str]] = []

    def answer_lost_once(route: Route) -> None:
        """The first resend reaches the server; its answer never reaches the phone."""
        request = route.request
        sent.append((request.url, request.post_data or ""))
        if len(sent) == 1:
            route.fetch(max_redirects=0)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(f"**/accounts/{account}/visits", answer_lost_once)
    page.context.set_offline(False)
    expect(page.get_by_role("status").filter(has_text=SENT)).to_be_visible(timeout=20_000)
    suzuki.screenshot("visit-sent-phone")
    assert len(sent) == 2, "one resend whose answer was lost, and one more"
    assert sent[0] == sent[1], "the resend is the same request, with the same key"
    assert outbox(page) == []
    recorded = visits(server, account)
    assert [item["data"]["summary"] for item in recorded] == [
        "年末の増産の相談。納品遅延のお詫びも済ませた"]
    assert recorded[0]["data"]["attendees"] == ["山田 一郎 部長", "経理の中村さん"]
    assert recorded[0]["recorded_by"] == "suzuki"

    # the same visit sent once more, as a stray retry would: the server knows its key
    url, body = sent[0]
    again = page.request.post(url, data=body, max_redirects=0, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Origin": server.url})
    assert again.status == 303, again.text()
    page.unroute(f"**/accounts/{account}/visits")
    page.reload()
    expect(page.get_by_label("訪問の内容")).to_have_value("")
    expect(page.get_by_role("status").filter(has_text=SENT)).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert len(visits(server, account)) == 1
    assert json.loads(page.evaluate("JSON.stringify(Object.keys(localStorage))")) == []
    lost = [error for error in suzuki.console_errors if "ERR_INTERNET_DISCONNECTED" in error]
    for error in lost:  # the browser tells of the answer it lost; nothing else may go wrong
        suzuki.console_errors.remove(error)
