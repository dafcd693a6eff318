"""Real-browser tests: Debian's Chromium driven by Playwright against Django's live server.

Each test gets a fresh page; screenshots go to ``var/test-artifacts/`` (kept by CI as
artefacts). ``check_accessibility`` runs the vendored axe-core on the page."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from barometre.demo.data import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def chromium():
    # Playwright's sync API keeps an event loop in this thread, which Django takes for an
    # async context; the ORM calls the test itself makes between browser steps are
    # synchronous and safe. Allowed for browser test modules only.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            yield browser
            browser.close()
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


class Browser:
    """One browser context per test: pages, logins, screenshots, console errors."""

    def __init__(self, chromium, base_url: str, name: str):
        self.context = chromium.new_context(
            viewport={"width": 1280, "height": 900}, locale="fr-FR", accept_downloads=True
        )
        self.context.set_default_timeout(20_000)
        self.base_url = base_url
        self.name = name
        self.errors: list[str] = []
        self.page = self.new_page()

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on(
            "console",
            lambda m: (
                self.errors.append(f"{page.url} : {m.text} ({m.location})")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: self.errors.append(f"{page.url} : {e}"))
        return page

    def goto(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def login(self, username: str, password: str = DEMO_PASSWORD) -> Page:
        page = self.page
        self.context.clear_cookies()
        page.goto(f"{self.base_url}/connexion/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert "/connexion/" not in page.url, f"connexion refusée pour {username}"
        return page

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}-{step}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def browser(chromium, live_server, request):
    session = Browser(chromium, live_server.url, request.node.name.removeprefix("test_"))
    yield session
    session.close()


def fill_audit_grid(page: Page, observations: str = "") -> None:
    """Answer every question of the audit form as a careful auditor would: "oui" (or the
    first level) to each choice, a small number to counts and durations."""
    form = page.locator("form:has(button[value=submit])")
    names = form.evaluate(
        "f => [...new Set([...f.querySelectorAll('input[type=radio]')].map(e => e.name))]"
    )
    for name in names:
        yes = form.locator(f'input[type=radio][name="{name}"][value="oui"]')
        choice = yes if yes.count() else form.locator(f'input[type=radio][name="{name}"]').first
        choice.check(force=True)
    for field in form.locator("input[type=number]").all():
        field.fill("2")
    for area in form.locator("textarea").all():
        area.fill(observations)


def check_accessibility(page: Page) -> list[dict]:
    """Serious and critical axe-core violations of the page (WCAG 2.1 A and AA rules)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
