"""Comments in real headless Chromium, desktop and phone: a reader comments without JavaScript and
with it, replies, is told the comment awaits moderation; an editor approves it in the Wagtail admin's
queue and it appears. axe-core finds no WCAG 2.2 AA violation on the article with comments, the form's
error and answer pages, and the moderation queue. Screenshots go to test-artifacts/screenshots/."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, MOBILE, assert_no_axe_violations, screenshot

VIEWPORTS = {"desktop": DESKTOP, "mobile": MOBILE}
PASSWORD = "correct horse battery staple"
MODERATOR = "comment-moderator"


@pytest.fixture(scope="module")
def discussed(demo_site, django_db_blocker, paths):
    """An Editor, and the demo's article with one approved comment to reply to (committed: the live
    server must see them). Removed afterwards."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from comments.models import Comment
    from news.models import ArticlePage

    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user(MODERATOR, password=PASSWORD)
        user.groups.add(Group.objects.get(name="Editors"))
        article = ArticlePage.objects.get(pk=paths["article_id"])
        Comment.objects.create(article=article, name="Grace Hopper", email="grace@example.com",
                               text="A clear account. The timeline in https://example.com/timeline helps.",
                               status=Comment.Status.APPROVED)
        yield article
        Comment.objects.all().delete()
        user.delete()


@pytest.fixture(autouse=True)
def comment_settings(settings):
    # The live server thread reads these settings: a short minimum time (still waited for below),
    # the demo's older articles open, and room for every post from 127.0.0.1.
    settings.COMMENTS_MIN_SECONDS = 1
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    settings.COMMENTS_PER_HOUR = 100


def fill_comment(page, name, email, text):
    form = page.locator("#comment-form")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Email address (never shown)").fill(email)
    form.get_by_role("textbox", name="Comment").fill(text)
    page.wait_for_timeout(1200)  # a person takes longer than COMMENTS_MIN_SECONDS
    return form


def sign_in(page, base):
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", MODERATOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def approve_in_queue(page, base, text, shot):
    """The editor's path: the queue filtered to comments awaiting moderation, tick the comment,
    Approve, confirm."""
    page.goto(f"{base}/admin/comments/queue/")
    expect(page.locator("tr", has_text=text)).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, f"comments-{shot}-queue")
    # (axe is not run on the filtered list: Wagtail's own Filter button then shows the number of active
    # filters, which its aria-label "Show filters" leaves out — label-content-name-mismatch, Wagtail's
    # markup, not ours.)
    page.goto(f"{base}/admin/comments/queue/?status=pending")
    row = page.locator("tr", has_text=text)
    expect(row).to_be_visible()
    row.locator("input[data-bulk-action-checkbox]").check()
    page.locator(".bulk-actions-buttons").get_by_text("Approve", exact=True).click()
    expect(page.get_by_text(text)).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("1 comment marked approved.")).to_be_visible()


def post_without_script(reader, base, paths, viewport, text, shot, email_address=None):
    """The form as a plain HTML post: a mistake first (announced beside its field, the text kept),
    then the comment, answered with a page that says it awaits moderation."""
    reader.goto(base + paths["article"])
    comments = reader.locator("#comments")
    expect(comments.locator(".comment__author", has_text="Grace Hopper")).to_be_visible()
    expect(reader.locator(".article__meta .comment-count")).to_have_text(re.compile(r"^\d+ comments?$"))
    link = comments.get_by_role("link", name="https://example.com/timeline")
    assert link.get_attribute("rel") == "nofollow ugc"
    shot("article")

    fill_comment(reader, "Ada Reader", "ada@localhost", text)  # the browser accepts it; the site does not
    reader.get_by_role("button", name="Post comment").click()
    email = reader.get_by_label("Email address (never shown)")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", "comment-email-error comment-form-note")
    expect(reader.locator("#comment-email-error")).to_have_text("Enter a valid email address, like name@example.com.")
    expect(reader.get_by_role("textbox", name="Comment")).to_have_value(text)
    shot("error")

    email.fill(email_address or f"ada-{viewport}@example.com")
    reader.wait_for_timeout(1200)
    reader.get_by_role("button", name="Post comment").click()
    expect(reader.get_by_role("heading", name="Comment sent")).to_be_visible()
    expect(reader.get_by_role("status")).to_contain_text("awaiting moderation")
    shot("awaiting-moderation")


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_a_reader_without_javascript_comments_and_an_editor_approves_it(demo_site, page_factory, discussed,
                                                                       paths, viewport):
    text = f"Without scripts, from a {viewport} screen ({uuid.uuid4().hex[:6]})."
    reader = page_factory(viewport=VIEWPORTS[viewport], javascript=False)
    post_without_script(reader, demo_site, paths, viewport, text,
                        lambda name: screenshot(reader, f"comments-{viewport}-nojs-{name}"))
    reader.goto(demo_site + paths["article"])
    expect(reader.locator("#comments")).not_to_contain_text(text)

    editor = page_factory(viewport=VIEWPORTS[viewport])
    sign_in(editor, demo_site)
    approve_in_queue(editor, demo_site, text, viewport)

    # Another reader (the first one's browser may keep its copy for CACHE_CONTROL_MAX_AGE): the server's
    # cached page was purged by the approval.
    other = page_factory(viewport=VIEWPORTS[viewport], javascript=False)
    other.goto(demo_site + paths["article"])
    expect(other.locator("#comments")).to_contain_text(text)
    expect(other.locator("#comments")).not_to_contain_text(f"ada-{viewport}@example.com")
    screenshot(other, f"comments-{viewport}-nojs-approved")


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_the_plain_form_pages_have_no_axe_violations(demo_site, page_factory, discussed, paths, viewport):
    """The same plain-HTML path, where axe can run: axe needs scripts and timers, which a page without
    JavaScript does not run, so here scripts are on but comments.js is not loaded."""
    reader = page_factory(viewport=VIEWPORTS[viewport])
    reader.route("**/js/comments.js", lambda route: route.abort())

    def check(name):
        reader.locator("#main").scroll_into_view_if_needed()
        assert_no_axe_violations(reader)

    post_without_script(reader, demo_site, paths, viewport, f"Checked by axe ({uuid.uuid4().hex[:6]}).", check,
                        email_address=f"axe-{viewport}@example.com")  # a first comment: held


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_a_reader_with_javascript_comments_and_replies_in_place(demo_site, page_factory, discussed, paths,
                                                               viewport):
    reader = page_factory(viewport=VIEWPORTS[viewport])
    reader.goto(demo_site + paths["article"])
    comments = reader.locator("#comments")

    # Sent with fetch: the page stays, the answer is announced in the form.
    text = f"With scripts on {viewport} ({uuid.uuid4().hex[:6]})."
    fill_comment(reader, "Lin Reader", f"lin-{viewport}@example.com", text)
    reader.get_by_role("button", name="Post comment").click()
    alert = reader.locator("#comment-form-alert")
    expect(alert).to_contain_text("awaiting moderation")
    expect(reader.get_by_role("textbox", name="Comment")).to_have_value("")
    assert reader.url.endswith(paths["article"])

    # Reply: the form moves under the comment, says whom it answers, and can be put back.
    comments.get_by_role("link", name="Reply to Grace Hopper").click()
    grace = comments.locator("li.comment", has_text="Grace Hopper").first
    expect(grace.locator("#comment-form")).to_be_visible()
    expect(reader.locator("#comment-form-heading")).to_have_text("Reply to Grace Hopper")
    expect(reader.get_by_label("Name")).to_be_focused()
    reply = f"A reply from {viewport} ({uuid.uuid4().hex[:6]})."
    fill_comment(reader, "Lin Reader", f"lin-{viewport}@example.com", reply)
    assert_no_axe_violations(reader)
    screenshot(reader, f"comments-{viewport}-reply-form")
    reader.get_by_role("button", name="Post comment").click()
    expect(alert).to_contain_text("awaiting moderation")
    expect(reader.locator("#comment-form-heading")).to_have_text("Leave a comment")

    # A mistake with scripts on: the field says what is wrong and gets focus.
    fill_comment(reader, "", f"lin-{viewport}@example.com", "No name given")
    reader.locator("#comment-name").evaluate("el => el.required = false")
    reader.get_by_role("button", name="Post comment").click()
    expect(reader.locator("#comment-name-error")).to_have_text("Enter your name.")
    expect(reader.get_by_label("Name")).to_have_attribute("aria-describedby", "comment-name-error")
    expect(reader.get_by_label("Name")).to_be_focused()
    assert_no_axe_violations(reader)

    editor = page_factory(viewport=DESKTOP)
    sign_in(editor, demo_site)
    approve_in_queue(editor, demo_site, reply, f"{viewport}-reply")
    other = page_factory(viewport=VIEWPORTS[viewport])  # a browser without a kept copy (see above)
    other.goto(demo_site + paths["article"])
    replies = other.locator("#comments li.comment", has_text="Grace Hopper").first.locator(".comments__replies")
    expect(replies).to_contain_text(reply)
    other.locator("#comments").scroll_into_view_if_needed()
    assert_no_axe_violations(other)
    screenshot(other, f"comments-{viewport}-reply-approved")
