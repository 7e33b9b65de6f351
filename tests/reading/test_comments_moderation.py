"""Moderation: first comments held, known commenters approved, the blocklist, the Editors' queue in
the Wagtail admin (filters, bulk approve / reject / spam / delete), closing per article, after N days
and per section, the author's notification, and the privacy commands."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comments.models import BlockedTerm, Comment, CommentRule
from news.models import ArticlePage
from tests.reading.comment_helpers import comments_section, page_text, post_comment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_comments")]


def queue_url():
    return reverse(Comment.snippet_viewset.get_url_name("list"))


def bulk(client, action, comments):
    url = reverse("wagtail_bulk_action", args=("comments", "comment", action))
    query = "&".join(f"id={c.pk}" for c in comments)
    return client.post(f"{url}?{query}", {"next": queue_url()})


def approved(article, text, email="known@example.com", name="Known"):
    return Comment.objects.create(article=article, name=name, email=email, text=text,
                                  status=Comment.Status.APPROVED)


# -- Held or approved ---------------------------------------------------------------------------

def test_a_first_comment_is_held_and_a_known_commenter_is_approved_at_once(client, article):
    post_comment(client, article, text="My first", email="new@example.com")
    assert Comment.objects.get(text="My first").status == Comment.Status.PENDING
    approved(article, "Earlier, approved", email="known@example.com")
    response = post_comment(client, article, text="Known again", email=" Known@Example.com ")
    assert "Your comment is published" in page_text(response)
    assert Comment.objects.get(text="Known again").status == Comment.Status.APPROVED
    assert "Known again" in comments_section(client.get(article.url))


def test_with_auto_approval_off_every_comment_waits(client, article, settings):
    settings.COMMENTS_AUTO_APPROVE_KNOWN = False
    approved(article, "Earlier, approved")
    post_comment(client, article, text="Known, but held", email="known@example.com")
    assert Comment.objects.get(text="Known, but held").status == Comment.Status.PENDING


@pytest.mark.parametrize("kind,value,fields", [
    ("phrase", "Cheap Pills", {"text": "Buy cheap pills today"}),
    ("phrase", "casino", {"name": "Casino Royale"}),
    ("email", "spammer@example.com", {"email": "SPAMMER@example.com"}),
    ("domain", "@junk.example", {"email": "anyone@junk.example"}),
])
def test_a_blocklisted_comment_is_marked_spam_and_the_sender_cannot_tell(client, article, kind, value, fields):
    approved(article, "Earlier", email=fields.get("email", "ada@example.com").strip().lower())  # known, even
    BlockedTerm.objects.create(kind=kind, value=value)
    response = post_comment(client, article, **{"text": "Hello there", **fields})
    assert "awaiting moderation" in page_text(response)
    comment = Comment.objects.exclude(text="Earlier").get()
    assert comment.status == Comment.Status.SPAM and comment.held_because.startswith("blocklist")
    assert comment.text not in comments_section(client.get(article.url))


# -- The queue in the Wagtail admin ------------------------------------------------------------

def test_editors_see_the_queue_filtered_by_state_and_article(editor_client, article, make_article):
    other = make_article("Other story")
    Comment.objects.create(article=article, name="A", email="a@example.com", text="Pending on harbour")
    Comment.objects.create(article=other, name="B", email="b@example.com", text="Pending on other")
    Comment.objects.create(article=article, name="C", email="c@example.com", text="Spam on harbour",
                           status=Comment.Status.SPAM)
    everything = page_text(editor_client.get(queue_url()))
    assert all(t in everything for t in ("Pending on harbour", "Pending on other", "Spam on harbour"))
    pending = page_text(editor_client.get(queue_url(), {"status": "pending"}))
    assert "Pending on harbour" in pending and "Pending on other" in pending and "Spam on harbour" not in pending
    harbour = page_text(editor_client.get(queue_url(), {"article": article.pk}))
    assert "Pending on harbour" in harbour and "Spam on harbour" in harbour and "Pending on other" not in harbour


def test_reporters_cannot_moderate_and_nobody_adds_a_comment_in_the_admin(reporter_client, editor_client,
                                                                          admin_client, article):
    assert reporter_client.get(queue_url()).status_code in (302, 403)
    assert "Add comment" not in page_text(editor_client.get(queue_url()))
    add = reverse(Comment.snippet_viewset.get_url_name("add"))
    assert editor_client.get(add).status_code in (302, 403) and admin_client.get(add).status_code in (302, 403)


@pytest.mark.parametrize("action,state", [("approve", "approved"), ("reject", "rejected"), ("spam", "spam")])
def test_bulk_actions_set_the_state_of_every_selected_comment(editor_client, article, action, state):
    chosen = [Comment.objects.create(article=article, name=f"R{n}", email=f"r{n}@example.com", text=f"Text {n}")
              for n in range(3)]
    untouched = Comment.objects.create(article=article, name="U", email="u@example.com", text="Left alone")
    confirm = editor_client.get(reverse("wagtail_bulk_action", args=("comments", "comment", action))
                                + "?" + "&".join(f"id={c.pk}" for c in chosen[:2]))
    assert confirm.status_code == 200 and "Text 0" in page_text(confirm)
    response = bulk(editor_client, action, chosen[:2])
    assert response.status_code == 302
    assert sorted(Comment.objects.filter(status=state).values_list("text", flat=True)) == ["Text 0", "Text 1"]
    assert Comment.objects.get(pk=untouched.pk).status == Comment.Status.PENDING
    assert all(c.moderated_at for c in Comment.objects.filter(status=state))
    shown = comments_section(editor_client.get(article.url))
    assert ("Text 0" in shown) == (state == "approved")


def test_bulk_delete_removes_comments(editor_client, article):
    comments = [approved(article, f"Gone {n}", email=f"g{n}@example.com") for n in range(2)]
    bulk(editor_client, "delete", comments)
    assert not Comment.objects.exists()


def test_an_editor_approves_one_comment_from_its_edit_page(editor_client, client, article):
    post_comment(client, article, text="Please approve me")
    comment = Comment.objects.get()
    edit = reverse(Comment.snippet_viewset.get_url_name("edit"), args=[comment.pk])
    assert "ada@example.com" in page_text(editor_client.get(edit))  # moderators see the address
    editor_client.post(edit, {"status": "approved", "text": comment.text})
    assert Comment.objects.get().status == Comment.Status.APPROVED and Comment.objects.get().moderated_at
    assert "Please approve me" in comments_section(client.get(article.url))


# -- Closing --------------------------------------------------------------------------------------

def test_an_editor_closes_comments_on_one_article(client, article, make_article):
    other = make_article("Other story")
    approved(article, "Said before closing")
    CommentRule.objects.create(page=article, state=CommentRule.State.CLOSED)
    section = comments_section(client.get(article.url))
    assert "Said before closing" in section and "Comments are closed." in section
    assert 'id="comment-form"' not in section
    assert post_comment(client, article, text="Too late").status_code == 403
    assert post_comment(client, other, text="Still open here").status_code == 200
    assert not Comment.objects.filter(text="Too late").exists()


def test_comments_close_a_configured_number_of_days_after_publication(client, article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 3
    assert post_comment(client, article, text="Early").status_code == 200
    ArticlePage.objects.filter(pk=article.pk).update(first_published_at=timezone.now() - timedelta(days=3, minutes=1))
    assert "Comments are closed." in comments_section(client.get(article.url))
    assert post_comment(client, article, text="Late").status_code == 403
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # never
    assert post_comment(client, article, text="Late but allowed").status_code == 200


def test_comments_off_for_a_section_hides_them_on_every_article_in_it(client, article, home, make_article):
    from tests.helpers import make_section

    elsewhere = make_article("Cup final", parent=make_section(home, "Sports"))
    approved(article, "Shown until turned off")
    CommentRule.objects.create(page=article.get_parent(), state=CommentRule.State.OFF)
    page = page_text(client.get(article.url))
    assert "Shown until turned off" not in page and 'id="comments"' not in page and "comment</a>" not in page
    assert post_comment(client, article, text="Off here").status_code == 404
    assert 'id="comments"' in page_text(client.get(elsewhere.url))


# -- The author is told ------------------------------------------------------------------------

def test_the_authors_are_mailed_when_a_comment_is_published(client, article, author,
                                                            django_capture_on_commit_callbacks):
    author.email = "amara@newsroom.example"
    author.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, article, text="Held first")
    assert mail.outbox == []  # nothing for a held comment
    comment = Comment.objects.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        comment.status = Comment.Status.APPROVED
        comment.save()
    assert callbacks, "the notification is queued when the approval commits"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amara@newsroom.example"] and "Harbour reopens" in message.subject
    assert "Held first" in message.body and f"#comment-{comment.pk}" in message.body
    assert "ada@example.com" not in message.body  # the commenter's address stays private
    with django_capture_on_commit_callbacks(execute=True):
        comment.text = "Held first (typo fixed)"
        comment.save()
    assert len(mail.outbox) == 1  # once, when it is published


def test_no_mail_when_notifications_are_off(client, article, author, settings, django_capture_on_commit_callbacks):
    settings.COMMENTS_NOTIFY_AUTHORS = False
    author.email = "amara@newsroom.example"
    author.save()
    with django_capture_on_commit_callbacks(execute=True):
        approved(article, "Approved quietly")
    assert mail.outbox == []


# -- Privacy -------------------------------------------------------------------------------------

def test_addresses_and_client_hashes_are_purged_after_the_retention_period(article, settings):
    settings.COMMENTS_RETENTION_DAYS = 30
    old_time = timezone.now() - timedelta(days=31)
    old = Comment.objects.create(article=article, name="Old", email="old@example.com", text="Old but approved",
                                 status=Comment.Status.APPROVED, client_digest="a" * 32, created_at=old_time)
    Comment.objects.create(article=article, name="S", email="s@example.com", text="Old spam",
                           status=Comment.Status.SPAM, client_digest="b" * 32, created_at=old_time)
    recent = Comment.objects.create(article=article, name="New", email="new@example.com", text="Recent",
                                    client_digest="c" * 32)
    out = StringIO()
    call_command("purge_comment_personal_data", stdout=out)
    assert "removed from 1, 1 spam or rejected deleted" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.email == "" and old.client_digest == "" and old.text == "Old but approved"
    assert not Comment.objects.filter(text="Old spam").exists()
    assert recent.email == "new@example.com" and recent.client_digest == "c" * 32
    # After the purge, the commenter is still found by address: an erasure request still works.
    call_command("delete_comments_by_email", "OLD@example.com", stdout=StringIO())
    assert not Comment.objects.filter(pk=old.pk).exists()


def test_the_scheduler_runs_the_retention_purge_without_a_cron(article, settings):
    """make run, make serve and a deployment run the scheduler already: after each of its runs it sends
    news.signals.scheduler_ran (tests/content/test_scheduler.py), and comments purges at most hourly."""
    from comments import privacy
    from news.signals import scheduler_ran

    settings.COMMENTS_RETENTION_DAYS = 30
    old_time = timezone.now() - timedelta(days=31)
    old = Comment.objects.create(article=article, name="Old", email="old@example.com", text="Old, approved",
                                 status=Comment.Status.APPROVED, client_digest="a" * 32, created_at=old_time)
    privacy._last_purge["at"] = None
    scheduler_ran.send(sender=None, when=timezone.now())
    old.refresh_from_db()
    assert old.email == "" and old.client_digest == ""

    # Within the hour the scheduler's next runs leave it alone; after it, they purge again.
    later = Comment.objects.create(article=article, name="Later", email="later@example.com", text="Later",
                                   status=Comment.Status.APPROVED, created_at=old_time)
    scheduler_ran.send(sender=None, when=timezone.now())
    assert Comment.objects.get(pk=later.pk).email == "later@example.com"
    scheduler_ran.send(sender=None, when=timezone.now() + privacy.PURGE_EVERY)
    assert Comment.objects.get(pk=later.pk).email == ""


def test_a_commenters_comments_are_deleted_by_email(client, article):
    mine = approved(article, "Mine", email="ada@example.com")
    reply_to_mine = Comment.objects.create(article=article, parent=mine, name="Bo", email="bo@example.com",
                                           text="Reply to Ada", status=Comment.Status.APPROVED)
    approved(article, "Someone else's", email="bo@example.com")
    Comment.objects.create(article=article, name="Ada", email="ada@example.com", text="Pending of mine")
    out = StringIO()
    call_command("delete_comments_by_email", " Ada@Example.com", stdout=out)
    assert "Deleted 2 comments" in out.getvalue()
    assert list(Comment.objects.values_list("text", flat=True)) == ["Someone else's"]
    assert not Comment.objects.filter(pk=reply_to_mine.pk).exists()  # a reply goes with its comment
    assert "Mine" not in comments_section(client.get(article.url))
