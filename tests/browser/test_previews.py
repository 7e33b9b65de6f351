"""The editor's path through previews and sharing in a real browser: open an article's preview panel,
switch sizes and modes, share the draft from the action menu, and open the link in a fresh browser
context without a login."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, assert_no_axe_violations

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")  # committed before the test's own transaction: the live server must see it
def editor_and_draft(demo_site, django_db_blocker):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from news.models import ArticlePage

    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user("browser-editor", password=PASSWORD)
        user.groups.add(Group.objects.get(name="Editors"))
        draft = ArticlePage.objects.filter(live=False).order_by("pk").first()
        draft.title = "Harbour accord draft for legal review"
        draft.save_revision(user=user)
        yield user, draft
        user.delete()


def test_editor_previews_switches_modes_and_shares_a_draft(demo_site, page_factory, editor_and_draft):
    _, draft = editor_and_draft
    page = page_factory(viewport=DESKTOP)
    page.goto(f"{demo_site}/admin/login/")
    page.fill("input[name=username]", "browser-editor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{demo_site}/admin/")
    page.goto(f"{demo_site}/admin/pages/{draft.pk}/edit/")

    page.click('[data-side-panel-toggle="preview"]')
    iframe = page.frame_locator("iframe[data-w-preview-target='iframe']").first
    expect(iframe.locator("h1").first).to_contain_text("Harbour accord draft for legal review", timeout=15000)
    for size in ("desktop", "mobile"):
        page.click(f"input[name=preview-size][value={size}] + *, label:has(input[name=preview-size][value={size}])")
        expect(page.locator(f"input[name=preview-size][value={size}]")).to_be_checked()
    modes = page.locator("select[name=preview_mode] option")
    assert [modes.nth(i).get_attribute("value") for i in range(modes.count())] == ["", "search", "social"]
    for value, label in [("search", "Search result"), ("social", "Social card"), ("", "As readers see it")]:
        page.select_option("select[name=preview_mode]", value)
        expect(page.locator("select[name=preview_mode]")).to_have_value(value)
        # The panel reloads the preview in the chosen mode; its bar names the mode.
        expect(iframe.locator(".preview-bar")).to_contain_text(f"Preview — {label}", timeout=15000)

    # Share draft, from the action menu's drop-up.
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("link", name="Share draft").click()
    expect(page.locator("input[name=days]")).to_have_value("7")
    page.get_by_role("button", name="Create link").click()
    url = page.locator("#draft-link-url").input_value()
    assert "/draft/" in url

    reader = page_factory(viewport=DESKTOP)  # a fresh context: no session, no login
    response = reader.goto(url)
    assert response.status == 200
    expect(reader.get_by_text("Draft preview — not published")).to_be_visible()
    expect(reader.locator("h1").first).to_contain_text("Harbour accord draft for legal review")
    assert "no-store" in response.headers["cache-control"]
    assert_no_axe_violations(reader)  # the banner included
