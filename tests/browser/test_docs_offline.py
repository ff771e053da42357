"""A developer at a desk with no internet opens /docs and /redoc: both render the API from
files the server serves itself; every request to another host is blocked and none is made."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Browser, Route

from tests.browser.conftest import Server


def test_docs_and_redoc_render_with_every_other_host_blocked(browser: Browser,
                                                              server: Server) -> None:
    context = browser.new_context()
    own = urlsplit(server.url).netloc
    elsewhere: list[str] = []

    def only_this_server(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_server)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(server.url + "/docs")
        page.locator(".swagger-ui .info .title").wait_for()
        assert "Tsunagi" in page.locator(".swagger-ui .info .title").inner_text()
        page.locator("#operations-visits-recordVisit").wait_for()

        page.goto(server.url + "/redoc")
        page.locator("h1", has_text="Tsunagi").wait_for()
        page.get_by_text("Register a user", exact=True).first.wait_for(state="attached")
        assert "Record a visit" in page.content()
    finally:
        context.close()
    assert elsewhere == [], f"the docs asked another host: {elsewhere}"
