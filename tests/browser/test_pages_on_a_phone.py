"""On a phone (390×844): every page a rep or a manager meets on the road — the route (day
and week), the accounts, 株式会社山田製作所 handed from 佐藤さん to 鈴木さん with its dossier,
audit and one event, the team board and the sign-in page — reads without scrolling sideways,
each table a stack of cards whose cells are wide enough to read, every control a thumb can
hit; 「この点数の出し方」 opened, and the review (振り返り) recorded from its form, which ends
its warning. A full-page screenshot of each, beside the others."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCREENSHOTS, Person, Server

PHONE = {"width": 390, "height": 844}
SignIn = Callable[[str], Person]
NARROWEST_CELL = 48
THUMB = 44


def handed_over(server: Server) -> str:
    with server.api("tanaka") as tanaka, server.api("sato") as sato, \
            server.api("suzuki") as suzuki:
        account = str(tanaka.post("/v1/accounts", json={
            "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": 14,
            "started_on": "2026-10-01"}).json()["account_id"])
        base = f"/v1/accounts/{account}"
        for body in (
            ("visits", {"occurred_at": "2026-11-02T10:00:00+09:00", "purpose": "定期訪問",
                        "summary": "新ラインの立ち上げで忙しそう",
                        "attendees": ["山田 一郎 部長", "経理の中村さん"], "small_talk": True,
                        "next_action": "カタログを送る"}),
            ("notes", {"text": "訪問は火曜か木曜の午前10時が良い", "topic": "preference"}),
            ("stakeholders", {"name": "山田 一郎", "title": "購買部長", "decision_power": True,
                              "stance": "critical", "note": "最終決裁者。数字と根拠で話す人"}),
            ("complaints", {"received_at": "2026-11-02T15:00:00+09:00", "subject": "納品遅延",
                            "detail": "部品が二日遅れた",
                            "severity": "high"}),
            ("promises", {"description": "年末の在庫確保", "due_date": "2026-12-20",
                          "made_to": "中村さん"}),
        ):
            assert sato.post(f"{base}/{body[0]}", json=body[1]).status_code == 201
        handover = tanaka.post(f"{base}/handovers", json={
            "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
            "effective_at": "2026-12-01T09:00:00+09:00",
            "occurred_at": "2026-11-03T09:00:00+09:00"}).json()["handover_id"]
        steps = f"{base}/handovers/{handover}"
        assert suzuki.post(f"{steps}/acknowledge", json={}).status_code == 200
        assert sato.post(f"{steps}/joint-visit", json={
            "occurred_at": "2026-11-03T10:00:00+09:00", "note": "今井課長は無言"}
        ).status_code == 200
        assert suzuki.post(f"{steps}/complete").status_code == 200
        return account


@dataclass(frozen=True)
class OnTheRoad:
    yamada: str  # 株式会社山田製作所, handed from 佐藤さん to 鈴木さん
    plant: str  # a second site of 鈴木さん's with a promise overdue, a complaint and a request
    event: str  # 佐藤さん's visit to 株式会社山田製作所

    def path(self, template: str) -> str:
        return template.format(yamada=self.yamada, event=self.event)


@pytest.fixture(scope="module")
def on_the_road(server: Server) -> OnTheRoad:
    yamada = handed_over(server)
    with server.api("tanaka") as tanaka, server.api("suzuki") as suzuki:
        plant = str(tanaka.post("/v1/accounts", json={
            "name": "株式会社山田製作所 北関東第二工場（旧・山田精密機械工業株式会社）",
            "owner_rep_id": "suzuki", "visit_cadence_days": 30,
            "started_on": "2026-09-01"}).json()["account_id"])
        base = f"/v1/accounts/{plant}"
        for kind, body in (
            ("visits", {"occurred_at": "2026-10-01T14:00:00+09:00", "purpose": "新製品の紹介",
                        "summary": "工場長の今井さんは品質の話に関心が高い",
                        "attendees": ["今井 工場長"], "small_talk": False,
                        "next_action": "試作品を持参する"}),
            ("promises", {"description": "試作品（精密ボルト M6・三種）を工場に届ける",
                          "due_date": "2026-11-25", "made_to": "今井 工場長"}),
            ("complaints", {"received_at": "2026-11-20T11:00:00+09:00",
                            "subject": "請求書の宛名の誤り（二か月連続）",
                            "detail": "経理から再発行の依頼", "severity": "medium"}),
            ("requests", {"kind": "rush_delivery", "detail": "年末の増産分を三日で納品してほしい"}),
            ("notes", {"text": "前任の話は禁句。価格の話は経理の中村さんを通す",
                       "topic": "taboo"}),
        ):
            answer = suzuki.post(f"{base}/{kind}", json=body)
            assert answer.status_code == 201, answer.text
        visits = suzuki.get(f"/v1/accounts/{yamada}/history",
                            params={"kind": "visit_recorded"}).json()["items"]
    return OnTheRoad(yamada, plant, str(visits[0]["event_id"]))


PAGES = {  # page: (who reads it, where)
    "route-day": ("suzuki", "/route?date=2026-11-30"),
    "route-week": ("suzuki", "/route?span=week&date=2026-11-30"),
    "accounts": ("suzuki", "/accounts"),
    "account": ("suzuki", "/accounts/{yamada}"),
    "dossier": ("suzuki", "/accounts/{yamada}/dossier"),
    "audit": ("tanaka", "/accounts/{yamada}/audit"),
    "event": ("suzuki", "/accounts/{yamada}/events/{event}"),
    "team-board": ("tanaka", "/team?date=2026-11-30"),
    "login": (None, "/login"),
}

MEASURE = """({cell: narrowest, thumb}) => {
  const shown = (element) => element.getClientRects().length > 0
    && getComputedStyle(element).visibility !== "hidden";
  const words = (element) => `${element.tagName.toLowerCase()} 「${
    (element.innerText || element.value || element.getAttribute("aria-label") || "")
      .trim().slice(0, 24)}」`;
  const narrow = [], sideways = [], small = [];
  for (const cell of document.querySelectorAll("main :is(td, th, dt, dd)")) {
    const width = cell.getBoundingClientRect().width;
    if (shown(cell) && cell.innerText.trim() && width < narrowest)
      narrow.push(`${words(cell)} ${width.toFixed(1)} px`);
  }
  for (const table of document.querySelectorAll("main table")) {
    if (shown(table) && table.scrollWidth > table.clientWidth + 1)
      sideways.push(`${words(table.querySelector("th, td") || table)} ${table.scrollWidth} px`);
  }
  const targets = "button, summary, select, input:not([type=hidden]):not([type=checkbox])," +
    " .site-header a, .switch a, a.button, main table a, .timeline-more a";
  for (const target of document.querySelectorAll(targets)) {
    const box = target.getBoundingClientRect();
    if (shown(target) && box.height < thumb)
      small.push(`${words(target)} ${box.height.toFixed(1)} px high`);
  }
  return {wide: document.scrollingElement.scrollWidth, screen: window.innerWidth,
          narrow, sideways, small};
}"""


def a_phone_at(browser: Browser, server: Server, sign_in: SignIn, who: str | None) -> Page:
    if who is not None:
        person = sign_in(who)
        person.page.set_viewport_size(PHONE)
        return person.page
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE)
    return context.new_page()


@pytest.mark.parametrize("name", PAGES)
def test_every_page_fits_a_phone(name: str, on_the_road: OnTheRoad, server: Server,
                                 browser: Browser, sign_in: SignIn) -> None:
    who, where = PAGES[name]
    page = a_phone_at(browser, server, sign_in, who)
    try:
        answer = page.goto(server.url + on_the_road.path(where))
        assert answer is not None and answer.ok, f"{where}: {answer and answer.status}"
        page.wait_for_load_state()
        if name == "account":  # the record forms a rep opens on the road
            for summary in page.locator("#record ~ details > summary").all():
                summary.click()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
        found: dict[str, Any] = page.evaluate(MEASURE, {"cell": NARROWEST_CELL, "thumb": THUMB})
    finally:
        if who is None:
            page.context.close()
    assert found["screen"] == PHONE["width"]
    assert found["wide"] <= found["screen"], f"{name} is {found['wide']} px wide on a phone"
    assert not found["sideways"], f"{name}: a table scrolls sideways: {found['sideways']}"
    assert not found["narrow"], f"{name}: cells narrower than {NARROWEST_CELL} px: " \
        f"{found['narrow']}"
    assert not found["small"], f"{name}: tap targets under {THUMB} px: {found['small']}"


def review_pending(server: Server) -> tuple[str, str]:
    """株式会社山田製作所 handed to 鈴木さん with a review day (振り返り日) already past and
    the review not yet recorded: its warning stands."""
    with server.api("tanaka") as tanaka, server.api("sato") as sato, \
            server.api("suzuki") as suzuki:
        account = str(tanaka.post("/v1/accounts", json={
            "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": 14,
            "started_on": "2026-10-01"}).json()["account_id"])
        base = f"/v1/accounts/{account}"
        assert sato.post(f"{base}/visits", json={
            "occurred_at": "2026-11-02T10:00:00+09:00", "purpose": "定期訪問",
            "summary": "新ラインの立ち上げで忙しそう", "attendees": ["山田 一郎 部長"],
            "small_talk": True}).status_code == 201
        handover = tanaka.post(f"{base}/handovers", json={
            "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
            "effective_at": "2026-11-04T09:00:00+09:00",
            "occurred_at": "2026-11-03T09:00:00+09:00"}).json()["handover_id"]
        steps = f"{base}/handovers/{handover}"
        for step, body in (("acknowledge", {"occurred_at": "2026-11-03T09:30:00+09:00"}),
                           ("checkpoint", {"checkpoint_on": "2026-11-20",
                                           "note": "引き継ぎ後の振り返り",
                                           "occurred_at": "2026-11-03T10:00:00+09:00"})):
            answer = (suzuki if step == "acknowledge" else tanaka).post(f"{steps}/{step}",
                                                                        json=body)
            assert answer.status_code in (200, 201), answer.text
        assert suzuki.post(f"{steps}/complete", json={
            "occurred_at": "2026-11-04T09:00:00+09:00"}).status_code == 200
        return account, handover


def fits(person: Person, where: str) -> None:
    """Nothing scrolls sideways, and every field and button lies within the screen."""
    wide = person.page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"{where} is {wide} px wide on a 390 px phone"
    for control in person.page.locator(
            "details[open] :is(input:not([type=hidden]), textarea, select, button)").all():
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0, where
        assert box["x"] + box["width"] <= PHONE["width"], f"{where}: a control is cut off"


def test_the_review_form_and_how_the_score_is_reached_fit_a_phone(
        server: Server, sign_in: SignIn) -> None:
    account, handover = review_pending(server)
    suzuki = sign_in("suzuki")
    suzuki.page.set_viewport_size(PHONE)

    suzuki.go(f"/accounts/{account}/dossier")
    suzuki.page.locator("details[data-scoring] > summary").click()
    expect(suzuki.page.locator("details[data-scoring]")).to_have_attribute("open", "")
    fits(suzuki, "the dossier's この点数の出し方")
    suzuki.screenshot("dossier-scoring-phone")

    suzuki.go(f"/accounts/{account}")
    page = suzuki.page
    warnings = page.locator("#warnings + ul")
    expect(warnings).to_contain_text("引き継ぎの振り返り日 2026-11-20")
    page.locator("details[data-scoring] > summary").click()
    fits(suzuki, "the account's この点数の出し方")
    review = page.locator(f"form[action$='/handovers/{handover}/checkpoint-held']")
    page.get_by_text("振り返りの実施を記録する").click()
    expect(review).to_be_visible()
    fits(suzuki, "the review form")
    suzuki.screenshot("account-review-form-phone")

    review.get_by_label("振り返りの内容").fill("田中課長と振り返り。山田部長との関係は良好")
    review.get_by_role("button", name="振り返りを記録").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").filter(has_text="振り返りの実施を記録しました")
           ).to_be_visible()
    expect(page.locator("#warnings + ul, #warnings + p")).not_to_contain_text("振り返り日")
    expect(page.locator("#checkpoints")).to_have_count(0)
    fits(suzuki, "the account after the review")
    with server.api("suzuki") as api:
        held = api.get(f"/v1/accounts/{account}/history",
                       params={"kind": "handover_checkpoint_held"}).json()["items"]
    assert [item["data"]["note"] for item in held] == ["田中課長と振り返り。山田部長との関係は良好"]


def test_the_week_route_fits_a_phone(server: Server, sign_in: SignIn) -> None:
    account = handed_over(server)
    suzuki = sign_in("suzuki")
    suzuki.page.set_viewport_size(PHONE)
    suzuki.go("/route?date=2026-11-30")
    suzuki.page.get_by_role("link", name="週（営業日）").click()
    suzuki.page.wait_for_load_state()
    assert "span=week" in suzuki.page.url
    stop = suzuki.page.locator(f'.stop-visit:has(a[href="/accounts/{account}"])')
    assert "株式会社山田製作所" in stop.inner_text()
    assert stop.get_by_role("link", name="訪問を記録").get_attribute("href") == \
        f"/accounts/{account}#record"
    switch = suzuki.page.get_by_role("link", name="日", exact=True).bounding_box()
    assert switch is not None and switch["height"] >= 44, "a tap target"
    wide = suzuki.page.evaluate("document.documentElement.scrollWidth")
    suzuki.screenshot("route-week-phone")
    assert wide <= PHONE["width"], f"the week's route is {wide} px wide on a 390 px phone"
    assert not suzuki.console_errors


def test_the_team_board_fits_a_phone(server: Server, sign_in: SignIn) -> None:
    """田中課長 reads the team board on his phone: each row a card, nothing sideways, every
    link a thumb can hit, the accounts reachable from it."""
    account = handed_over(server)
    with server.api("tanaka") as api:  # and on its way back: a handover in flight
        assert api.post(f"/v1/accounts/{account}/handovers", json={
            "to_rep_id": "sato", "reason": "鈴木さんの産休", "effective_at":
            "2027-01-05T09:00:00+09:00"}).status_code == 201
    tanaka = sign_in("tanaka")
    tanaka.page.set_viewport_size(PHONE)
    tanaka.go("/team?date=2026-11-30")
    page = tanaka.page
    expect(page.get_by_role("heading", name="担当者別")).to_be_visible()
    expect(page.locator("#team-reps ~ table tbody tr").first).to_be_visible()
    wide = page.evaluate("document.documentElement.scrollWidth")
    tanaka.screenshot("team-board-phone")
    assert wide <= PHONE["width"], f"the team board is {wide} px wide on a 390 px phone"
    for link in page.locator("table.cards a").all():
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44, "a tap target"
        assert box["x"] + box["width"] <= PHONE["width"]
    assert page.locator(f'a[href="/accounts/{account}"]').count() >= 1
