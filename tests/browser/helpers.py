"""What the browser tests share besides fixtures: Chromium's flags, viewports, screenshots,
axe-core, and the search overlay's locators."""

import json
import os
import time

from tests.helpers import REPO

ARTIFACTS = REPO / "test-artifacts" / "screenshots"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


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


def overlay(page):
    return page.locator("dialog.search-overlay")


def search_button(page):
    return page.locator(".site-header [data-search-open]")


def combobox(page):
    return page.get_by_role("combobox", name="Search articles")


def wait_until(page, expression, timeout=5.0):
    """Poll `expression` with page.evaluate until it is truthy.

    Not page.wait_for_function: when its first check fails, Playwright re-evaluates the string
    with eval() from a requestAnimationFrame callback, which the page's Content-Security-Policy
    (script-src 'self') refuses. page.evaluate goes through the DevTools protocol, exempt from CSP.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)
