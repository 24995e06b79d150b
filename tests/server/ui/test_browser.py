"""The web UI end to end in headless Chromium (Debian's /usr/bin/chromium driven by
Playwright's Python package; no downloaded browser): sign in through the form, walk every
page of a seeded server on 127.0.0.1, check what is shown, and save a screenshot of each page
under bench/out/screenshots/ (git-ignored). Skips with the reason when Chromium or Playwright
is missing. Runs on SQLite only: the pages' queries run on both databases in test_ui.py."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.server.ui.helpers import HOSTILE

CHROMIUM = os.environ.get("GARRISON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = REPO / "bench" / "out" / "screenshots"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright's Python package is not installed"
)
if shutil.which(CHROMIUM) is None:
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)  # fmt: skip


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'garrison-server.db'}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


class Tab:
    """One browser page with what it reported: console errors (CSP violations are among
    them) and dialogs (an alert() would mean a script ran)."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1360, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        url = str(message.location.get("url", ""))
        # Chromium asks for /favicon.ico after a JSON answer (the 401s); UI pages have an icon
        if message.type == "error" and not url.endswith("/favicon.ico"):
            self.errors.append(f"{url}: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def text(self, selector: str) -> str:
        return " ".join(str(self.page.locator(selector).inner_text()).split())

    def rows(self, table: str) -> list[str]:
        cells = self.page.locator(f"#{table} tbody tr").all_inner_texts()
        return [" ".join(str(row).split()) for row in cells]

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    def sign_in(self, secret: str) -> None:
        self.goto("/ui/login")
        self.page.fill("#token", secret)
        self.page.click("button[type=submit]")


@pytest.fixture
def tab(browser: Any, live_server: str) -> Iterator[Tab]:
    opened = Tab(browser, live_server)
    try:
        yield opened
    finally:
        opened.context.close()


def test_an_admin_walks_every_page(tab: Tab, make_token: Callable[..., str]) -> None:
    secret = make_token("admin", name="root")
    assert tab.goto("/ui/").status == 401  # no cookie yet
    tab.errors.clear()  # Chromium logs the 401 itself
    tab.sign_in(secret)
    assert tab.page.url == tab.base + "/ui/"
    assert tab.text("h1") == "Overview" and tab.text("#who") == "root · admin · all teams"
    assert [tab.text(f"#count-{k}") for k in ("artifacts", "deployments", "issues", "findings")
            ] == ["3", "3", "2", "4"]  # fmt: skip
    assert tab.page.locator("#chart-findings svg circle").count() == 30
    assert tab.page.locator("#chart-ages svg rect.column").count() == 7
    cookie = next(c for c in tab.context.cookies() if c["name"] == "garrison_token")
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/ui")
    assert "garrison_token" not in tab.page.evaluate("document.cookie")
    tab.shot("overview")

    tab.page.click("nav >> text=Artifacts")
    assert tab.rows("artifacts") == [
        "billing 2.0 build-billing beta 1 1 — 100 d 2024-06-30 12:00 UTC",
        f"{HOSTILE} 1<b> build-evil alpha 1 1 debian:12 current 3 d 2024-06-30 12:00 UTC",
        "shop 1.0 sha256:a1a1a1a1a1a1 alpha 2 2 debian:12 behind golden 40 d 2024-06-30 12:00 UTC",
    ]
    tab.shot("artifacts")
    tab.page.click("#artifacts >> text=shop")
    assert tab.text("h1") == "Artifact shop"
    assert tab.text("#golden") == "behind: the golden image is now sha256:c3c3c3c3c3c3"
    assert len(tab.rows("components")) == 2 and len(tab.rows("findings")) == 3
    tab.shot("artifact")

    _deployments(tab)
    _findings_issues_audit(tab)
    assert tab.errors == [] and tab.dialogs == []

    tab.goto("/ui/")
    tab.page.click("text=Sign out")
    assert tab.page.url == tab.base + "/ui/login"
    assert tab.goto("/ui/").status == 401


def _deployments(tab: Tab) -> None:
    tab.page.click("nav >> text=Deployments")
    assert [row.split(" ")[2] for row in tab.rows("deployments")] == ["billing", "shop", "evil"]
    assert tab.page.locator("svg.meter").count() == 6
    over = tab.page.locator("svg.meter rect.meter-over")
    assert over.count() == 3
    # the page's style block (allowed by its nonce) colours the bars
    fill = over.first.evaluate("element => getComputedStyle(element).fill")
    assert fill == "rgb(192, 57, 43)"
    assert tab.page.locator("td.uptime[data-level=over]").count() == 1
    tab.shot("deployments")


def _findings_issues_audit(tab: Tab) -> None:
    tab.page.click("nav >> text=Findings")
    assert len(tab.rows("findings")) == 6
    tab.page.select_option("#filter-severity", "CRITICAL")
    tab.page.click("form.filters button")
    assert tab.page.url.endswith("/ui/findings?team=&severity=CRITICAL&state=&kind=")
    assert [row.split(" ")[1] for row in tab.rows("findings")] == ["CVE-2024-0005", "GHSA-0002"]
    tab.shot("findings")

    tab.page.click("nav >> text=Issues")
    assert len(tab.rows("issues")) == 3
    tab.page.click("text=requests in shop: 1 vulnerability")
    assert tab.page.locator("#issues pre.body").nth(2).is_visible()
    tab.shot("issues")

    tab.page.click("nav >> text=Audit log")
    assert tab.text("#chain") == "Hash chain verified: all 6 entries hold."
    assert len(tab.rows("audit")) == 6
    tab.shot("audit")

    tab.goto("/ui/artifacts/2")
    assert tab.text("h1") == f"Artifact {HOSTILE}"  # shown as text, never run
    assert tab.errors == [] and tab.dialogs == []  # no CSP violation, no script ran
    assert tab.goto("/api/v1/artifacts").status == 401  # the cookie stays on /ui
    tab.errors.clear()  # Chromium logs the 401 itself


def test_a_team_viewer_sees_its_team_and_a_bad_token_is_refused(
    tab: Tab, make_token: Callable[..., str]
) -> None:
    tab.sign_in("gar_" + "Z" * 43)
    assert tab.text("#error") == "that token is not valid (unknown or revoked)"
    assert tab.page.input_value("#token") == ""
    tab.shot("login-refused")
    tab.errors.clear()  # the 401 answer is logged by Chromium

    tab.sign_in(make_token("viewer", "alpha", name="alpha-viewer"))
    assert tab.text("#who") == "alpha-viewer · viewer · team alpha"
    assert tab.page.locator("nav >> text=Audit log").count() == 0
    tab.page.click("nav >> text=Artifacts")
    assert [row.split(" ")[0] for row in tab.rows("artifacts")] == ["<script>alert(1)</script>",
                                                                    "shop"]  # fmt: skip
    tab.shot("artifacts-team-alpha")
    assert tab.errors == []
    assert tab.goto("/ui/artifacts/3").status == 404
    assert tab.text("#error") == "artifact not found"
    assert tab.goto("/ui/audit").status == 403
    tab.errors.clear()
    assert tab.dialogs == []
