"""Browser tests: Debian's Chromium driven by Playwright against the app on a real local server,
with axe-core and a 320px reflow check on every page visited, and a screenshot of each."""

import re
import threading
from pathlib import Path

import oidc_provider_mock
import pytest
from axe_playwright_python.sync_playwright import Axe
from builders import PASSWORD
from flask import request
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from auditapp import create_app

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDE_ELEMENTS = """[...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5)
    .map(e => e.tagName + '.' + e.className)"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def provider():
    """A council's OpenID Connect provider, on 127.0.0.1, for single sign-on journeys."""
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


OPENED: set[str] = set()  # the endpoints the journeys requested, by any method


@pytest.fixture(scope="session")
def live_app(database_url, app, provider):
    """The app with CSRF on, as in production, on the test database, with single sign-on."""
    live = create_app({"SECRET_KEY": "browser-tests", "SQLALCHEMY_DATABASE_URI": database_url,
                       "SESSION_COOKIE_SECURE": False,  # served over plain http on 127.0.0.1
                       "OIDC_ISSUER": provider, "OIDC_CLIENT_ID": "case-audit", "OIDC_CLIENT_SECRET": "test"})

    @live.before_request
    def note_endpoint():
        OPENED.add(request.endpoint or "")

    return live


@pytest.fixture(scope="session")
def server(live_app):
    """The live app served over HTTP on a free port. At the end, the pages no journey opened are
    written to test-output/browser-routes-not-opened.txt (after a whole run, every page should be
    opened by some journey with axe, or be a download or a post the journeys reach another way)."""
    httpd = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    pages = sorted({rule.endpoint for rule in live_app.url_map.iter_rules() if "GET" in (rule.methods or ())})
    SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / "browser-routes-not-opened.txt").write_text(
        "".join(f"{endpoint}\n" for endpoint in pages if endpoint not in OPENED))


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A person's browser session, checking each page it reaches."""

    axe = Axe()
    checked: list[str] = []

    def __init__(self, browser, server: str):
        self.context = browser.new_context(base_url=server, viewport={"width": 1024, "height": 800},
                                           accept_downloads=True)
        self.page: Page = self.context.new_page()

    def sign_in(self, user) -> "Visit":
        self.page.goto("/sign-in")
        self.page.get_by_label("Email address").fill(user.email)
        self.page.get_by_label("Password", exact=True).fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in", exact=True).click()
        expect(self.page.get_by_text(f"Signed in as {user.name} (")).to_be_visible()
        return self

    def check(self, name: str, reflow: bool = True) -> None:
        """axe-core with the WCAG 2.2 A and AA tags, reflow at 320px, and a screenshot."""
        page = self.page
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{name} ({page.url}):\n{results.generate_report()}"
        # (Print is laid out on the paper's width, not a phone's: reflow=False for printed pages.)
        page.set_viewport_size({"width": 320 if reflow else 1024, "height": 800})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        # Name the elements that stick out, so a failure says where to look.
        wide = page.evaluate(WIDE_ELEMENTS) if overflow > 0 else []
        page.set_viewport_size({"width": 1024, "height": 800})
        assert overflow <= 0, f"{name} ({page.url}) scrolls sideways at 320px by {overflow}px: {wide}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        page.screenshot(path=str(SCREENSHOTS / f"{len(Visit.checked) + 1:02d}-{slug}.png"), full_page=True)
        Visit.checked.append(f"{name}: {page.url}")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, server):
    opened = []

    def open_as(user=None) -> Visit:
        session = Visit(browser, server)
        opened.append(session)
        return session.sign_in(user) if user else session

    yield open_as
    for session in opened:
        session.close()
