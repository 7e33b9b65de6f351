"""The Content-Security-Policy in a real browser: Chromium enforces it on the home page, an article,
the search results and the search overlay with its suggestions, for a reader and for a logged-in
editor with Wagtail's userbar, and nothing is refused — every script runs (early.js gives <html>
its "js" class, search.js opens the overlay and fetches suggestions) and no violation is reported."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, combobox, overlay, search_button

PASSWORD = "correct horse battery staple"
# Registered before any of the page's own scripts run (Playwright injects it, outside the policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", event => window.__cspViolations.push({
  directive: event.effectiveDirective, blocked: event.blockedURI, source: event.sourceFile,
  line: event.lineNumber, sample: event.sample}));
"""


class Watched:
    """A page whose CSP violations, console errors and uncaught script errors are all kept."""

    def __init__(self, page):
        self.page = page
        self.console_errors, self.page_errors, self.violations = [], [], []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda message: self.console_errors.append(message.text)
                if message.type == "error" else None)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"], url
        self.page.wait_for_load_state("networkidle")
        return response

    def collect(self):
        """Violations seen by the page so far (each navigation starts a fresh list: gather as we go)."""
        self.violations += self.page.evaluate("window.__cspViolations.splice(0)")

    def assert_clean(self):
        self.collect()
        assert self.violations == [], self.violations
        assert [e for e in self.console_errors if "Content Security Policy" in e] == [], self.console_errors
        assert self.page_errors == [], self.page_errors


def assert_javascript_ran(page):
    assert page.evaluate("document.documentElement.className") == "js", "early.js did not run"


def open_overlay_and_get_suggestions(page, word):
    search_button(page).click()
    expect(overlay(page)).to_be_visible()
    assert overlay(page).evaluate("d => d.open && d.matches(':modal')"), "search.js did not open the dialog"
    expect(combobox(page)).to_be_focused()
    page.keyboard.type(word, delay=30)
    expect(page.get_by_role("listbox", name="Suggestions").get_by_role("option").first).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(overlay(page)).to_be_hidden()


def test_a_readers_pages_and_the_search_overlay_run_under_the_policy(
        demo_site, page_factory, paths, search_terms):  # noqa: F811
    watched = Watched(page_factory(viewport=DESKTOP))
    page = watched.page
    for path in ("/", paths["article"], f"/search/?q={search_terms['common']}"):
        watched.visit(demo_site + path)
        assert_javascript_ran(page)
        watched.collect()
    # The article's structured data is still in the page (a data block, which the policy leaves alone).
    watched.visit(demo_site + paths["article"])
    headline = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)"
                             ".headline")
    assert headline == paths["article_title"][:110]
    open_overlay_and_get_suggestions(page, search_terms["word"])
    watched.assert_clean()


def test_a_policy_violation_would_be_seen(demo_site, page_factory):
    """The watch above can fail: an inline script added to a page is refused and reported."""
    watched = Watched(page_factory(viewport=DESKTOP))
    watched.visit(demo_site + "/")
    watched.page.evaluate("""() => { const s = document.createElement("script");
                                     s.textContent = "window.__ran = true"; document.head.append(s); }""")
    watched.page.wait_for_timeout(200)
    assert watched.page.evaluate("window.__ran") is None, "the inline script ran"
    watched.collect()
    assert [v["directive"] for v in watched.violations] == ["script-src-elem"]


@pytest.fixture(scope="module")
def editor(demo_site, django_db_blocker):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user("csp-editor", password=PASSWORD)
        user.groups.add(Group.objects.get(name="Editors"))
        yield user
        user.delete()


def sign_in(page, base, user):
    page.goto(f"{base}/admin/login/")  # the admin itself is outside the policy
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def test_an_editors_userbar_on_public_pages_works_under_the_policy(
        demo_site, page_factory, paths, search_terms, editor):  # noqa: F811
    watched = Watched(page_factory(viewport=DESKTOP))
    page = watched.page
    sign_in(page, demo_site, editor)
    for path in ("/", paths["article"]):
        watched.visit(demo_site + path)
        assert_javascript_ran(page)
        # The userbar (a custom element drawing its shadow DOM from userbar.js) opens its menu.
        trigger = page.locator("wagtail-userbar [data-wagtail-userbar-trigger]")
        expect(trigger).to_be_visible()
        trigger.click()
        expect(page.locator("wagtail-userbar").get_by_role("menuitem").first).to_be_visible()
        page.keyboard.press("Escape")
        watched.collect()
    open_overlay_and_get_suggestions(page, search_terms["word"])
    watched.assert_clean()


def test_the_live_preview_renders_under_the_policy(demo_site, page_factory, paths, editor):  # noqa: F811
    """Wagtail renders the preview as a request for the page's own URL: the public policy applies
    inside the preview panel's iframe, and must let the admin frame it and its scripts run."""
    watched = Watched(page_factory(viewport=DESKTOP))
    page = watched.page
    sign_in(page, demo_site, editor)
    page.goto(f"{demo_site}/admin/pages/{paths['article_id']}/edit/")
    with page.expect_response(lambda r: "in_preview_panel" in r.url) as preview:
        page.click('[data-side-panel-toggle="preview"]')
    assert "frame-ancestors 'self'" in preview.value.headers["content-security-policy"]
    frame = page.frame_locator("iframe[data-w-preview-target='iframe']").first
    expect(frame.locator("h1").first).to_contain_text(paths["article_title"], timeout=15000)
    inner = next(f for f in page.frames if "in_preview_panel" in f.url)
    inner.wait_for_load_state("load")
    assert inner.evaluate("document.documentElement.className") == "js", "early.js did not run in the preview"
    violations = inner.evaluate("window.__cspViolations")
    assert violations == [], violations
    watched.assert_clean()
