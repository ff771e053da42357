"""A real `tsunagi serve` and Debian's Chromium driven by Playwright.

No browser can be downloaded here, so Playwright launches /usr/bin/chromium. When it is
missing the run installs it with apt (and a Japanese font, so screenshots are readable);
when that fails the run fails loudly. Browser tests are never skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from api.devserver import serving

CHROMIUM = Path("/usr/bin/chromium")
PACKAGES = ("chromium", "fonts-ipafont-gothic")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
ADMIN_TOKEN = "admin-token-for-the-browser-tests"


def _has_japanese_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def _apt_install(packages: tuple[str, ...]) -> str:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    said = ""
    for step in (["apt-get", "install", "-y", *packages], ["apt-get", "update"],
                 ["apt-get", "install", "-y", *packages]):
        done = subprocess.run(step, capture_output=True, text=True, env=env, check=False)
        said = (done.stderr or done.stdout).strip()[-1500:]
        if step[1] == "install" and done.returncode == 0:
            return ""
    return said


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, installed with apt when missing; never a skip."""
    if not CHROMIUM.exists() or not _has_japanese_font():
        said = _apt_install(PACKAGES)
        if not CHROMIUM.exists():
            pytest.fail(f"{CHROMIUM} is missing and `apt-get install -y chromium` failed "
                        f"({said or 'no output'}); the browser tests need it and are never "
                        "skipped", pytrace=False)
    return CHROMIUM


@dataclass(frozen=True)
class Server:
    url: str
    tokens: dict[str, str]

    def api(self, who: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10,
                            headers={"Authorization": f"Bearer {self.tokens[who]}"})


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`tsunagi serve` on loopback with its own SQLite file, and the office's people."""
    home = tmp_path_factory.mktemp("browser-server")
    env = {"TSUNAGI_DATABASE_URL": f"sqlite:///{home / 'tsunagi.db'}",
           "TSUNAGI_ADMIN_TOKEN": ADMIN_TOKEN, "TSUNAGI_LOG_JSON": "true"}
    with serving(env, home / "server.log") as url:
        admin = httpx.Client(base_url=url, timeout=10,
                             headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        tokens = {}
        for user_id, name, role in (("tanaka", "田中 課長", "manager"),
                                    ("sato", "佐藤 健", "rep"),
                                    ("suzuki", "鈴木 一郎", "rep"),
                                    ("ito", "伊藤 監査", "auditor")):
            answer = admin.post("/v1/users", json={"user_id": user_id, "name": name,
                                                   "role": role})
            assert answer.status_code == 201, answer.text
            tokens[user_id] = answer.json()["token"]
        yield Server(url, tokens)


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), headless=True)
        yield launched
        launched.close()


@dataclass
class Person:
    """Someone at a browser of their own, signed in through the login page."""

    page: Page
    server: Server
    console_errors: list[str] = field(default_factory=list)

    def go(self, path: str) -> None:
        self.page.goto(self.server.url + path)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def sign_in(browser: Browser, server: Server) -> Iterator[Callable[[str], Person]]:
    contexts = []
    people: list[Person] = []

    def at_the_login_page(user_id: str) -> Person:
        context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                      viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        person = Person(page, server)
        people.append(person)
        page.on("console", lambda message: person.console_errors.append(message.text)
                if message.type == "error" else None)
        page.goto(server.url + "/")
        page.get_by_label("トークン").fill(server.tokens[user_id])
        page.get_by_role("button", name="サインイン").click()
        page.wait_for_load_state()
        return person

    yield at_the_login_page
    for context in contexts:
        context.close()
    errors = [error for person in people for error in person.console_errors]
    assert not errors, f"the browser reported errors (a script, or the CSP): {errors}"
