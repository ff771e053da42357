"""On a phone (390 px wide): the dossier and the account page of 株式会社山田製作所, handed
from 佐藤さん to 鈴木さん, read without scrolling sideways. Screenshots beside the others."""

from __future__ import annotations

from collections.abc import Callable

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
