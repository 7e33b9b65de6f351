"""Browser tests: Debian's headless Chromium driven by Playwright, against Django's live server.

The demo newsroom is loaded once per module and committed (the live server runs in another
thread and cannot see a test's transaction), so these tests run after every other test and
remove what they loaded when they finish.
"""

import json
import os
from pathlib import Path

import pytest

from tests.conftest import committed_demo_newsroom

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(config, items):
    # pytest-django creates the test database only when a collected test asks for one; a run of just
    # tests/browser would otherwise load the demo into the development database name (and fail). The
    # marker's own per-test transaction is harmless: these tests only read, through the live server.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="session")
def browser(migrated_contents):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    # Playwright's sync API keeps an asyncio loop running in this thread, so Django would refuse every
    # database query made here (SynchronousOnlyOperation) — the demo data loading included. Nothing
    # here is async; allow it for the browser tests only (they run last) and restore it afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, migrated_contents):
    """The seeded demo newsroom, committed, served by a live server thread.

    (pytest-django's live_server would make every test transactional, flushing the database —
    demo data and the migrations' home page and groups with it — after each test.)"""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread

    with django_db_blocker.unblock(), committed_demo_newsroom(migrated_contents, articles=30):
        # StaticFilesHandler serves /static/ from the finders (the source files), as
        # StaticLiveServerTestCase does: nothing is collected into STATIC_ROOT for tests.
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield f"http://127.0.0.1:{server.port}"
        finally:
            server.terminate()
    # The queries above ran while Playwright's event loop was running, on a connection of their own
    # (Django keeps one per async context): close it, or dropping the test database at the end of
    # the session fails with "being accessed by other users".
    connections.close_all()


@pytest.fixture
def page_factory(browser):
    contexts = []

    def make(viewport=DESKTOP, javascript=True, reduced_motion=None):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript,
                                      reduced_motion=reduced_motion)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page):
    """Run axe-core (from npm) in the page against the WCAG 2.2 AA rule set."""
    # Evaluated rather than added as a <script> tag: the page's Content-Security-Policy refuses inline
    # scripts, and page.evaluate runs in the page's world without one.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_no_axe_violations(page):
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2)
