"""On a phone (390 px wide): the dossier and the account page of 株式会社山田製作所, handed
from 佐藤さん to 鈴木さん, read without scrolling sideways; 「この点数の出し方」 opened, and the
review (振り返り) recorded from its form, which ends its warning. Screenshots beside the
others."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.browser.conftest import Person, Server

PHONE = {"width": 390, "height": 844}
SignIn = Callable[[str], Person]


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


def test_the_dossier_and_the_account_fit_a_phone(server: Server, sign_in: SignIn) -> None:
    account = handed_over(server)
    suzuki = sign_in("suzuki")
    suzuki.page.set_viewport_size(PHONE)
    for path, name in ((f"/accounts/{account}/dossier", "dossier-phone"),
                       (f"/accounts/{account}", "account-phone")):
        suzuki.go(path)
        suzuki.page.wait_for_load_state()
        wide = suzuki.page.evaluate("document.documentElement.scrollWidth")
        suzuki.screenshot(name)
        assert wide <= PHONE["width"], f"{path} is {wide} px wide on a 390 px phone"
    assert not suzuki.console_errors


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
