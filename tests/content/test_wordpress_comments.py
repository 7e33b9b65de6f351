"""A WordPress newsroom's comments come with its posts (`manage.py import_wordpress`, wordpress/comments.py),
on the real PostgreSQL and OpenSearch `make test` starts: approved ones shown under their article with
their threads flattened to Newsroom's one level of replies, pending ones in the moderation queue, spam
kept out of sight, trash and pingbacks left out; no author mailed for old comments; a re-run adds what is
new and leaves what moderators did; a cached article shows comments a re-run brought."""

import pytest
from django.core import mail

from comments.models import Comment, email_digest
from tests.content.test_wordpress_import import BASE, Post, Site, article, run, write_wxr

pytestmark = pytest.mark.django_db


def comment(comment_id, state="1", *, parent=0, author="Reader", email="", text="Great story", kind="",
            date_gmt="2019-03-06 10:00:00"):
    return {"id": comment_id, "approved": state, "parent": parent, "author": author, "email": email,
            "text": text, "type": kind, "date_gmt": date_gmt}


THREAD = [
    comment(1, author="Ada <b>Lovelace</b>", email=" Ada@Example.COM ",
            text="<p>First paragraph.</p><p>Second, with <a href=\"https://example.org/x\">a source</a>.</p>"),
    comment(2, parent=1, author="Brendan", text="I agree.<br>Line two."),
    comment(3, parent=2, author="Chidi", text="A reply to a reply"),
    comment(4, "0", author="Dana", text="Waiting for a moderator"),
    comment(5, "spam", author="Cheap pills", text="Buy now"),
    comment(6, "trash", author="Eve", text="Deleted by the old site"),
    comment(7, parent=6, author="Femi", text="Answering a deleted comment"),
    comment(8, author="Other blog", text="Linked to this", kind="pingback"),
]


def export(tmp_path, comments, name="comments.xml"):
    (tmp_path / "uploads").mkdir(exist_ok=True)
    post = Post(1, "Harbour line reopens", "<p>Trains run again.</p>", slug="harbour-line-reopens",
                link=f"{BASE}/harbour-line-reopens/", comments=comments)
    return write_wxr(tmp_path / name, Site(), [post])


def by_author(name):
    return Comment.objects.get(name=name)


def test_comments_come_with_their_states_threads_and_text(tmp_path, home, client, settings):
    settings.COMMENTS_NOTIFY_AUTHORS = True
    code, out, err = run(export(tmp_path, THREAD), "--uploads", tmp_path / "uploads")
    assert code == 0, err
    assert "Comments imported: 4 approved, 1 pending, 1 spam" in out
    assert "Comments left out: 1 pingbacks, 1 trashed" in out
    page = article(1)
    assert Comment.objects.filter(article=page).count() == 6

    ada = by_author("Ada Lovelace")
    assert ada.status == Comment.Status.APPROVED and ada.parent is None
    assert ada.text == "First paragraph.\n\nSecond, with a source (https://example.org/x)."
    assert ada.email == "ada@example.com" and ada.email_digest == email_digest("ada@example.com")
    assert ada.created_at.isoformat() == "2019-03-06T10:00:00+00:00"
    # One level of replies: a reply to a reply answers the thread's first comment.
    assert by_author("Brendan").parent == ada and by_author("Brendan").text == "I agree.\nLine two."
    assert by_author("Chidi").parent == ada
    # A reply whose thread was deleted on the old site stands on its own.
    assert by_author("Femi").parent is None and by_author("Femi").status == Comment.Status.APPROVED
    assert by_author("Dana").status == Comment.Status.PENDING and "WordPress" in by_author("Dana").held_because
    assert by_author("Cheap pills").status == Comment.Status.SPAM
    assert not Comment.objects.filter(name__in=["Eve", "Other blog"]).exists()
    # Old comments mail nobody.
    assert mail.outbox == []

    html = client.get(page.url).content.decode()
    for shown in ("First paragraph.", "A reply to a reply", "Answering a deleted comment"):
        assert shown in html
    hidden_texts = ("Waiting for a moderator", "Buy now", "Deleted by the old site", "Linked to this",
                    "ada@example.com")
    for hidden in hidden_texts:
        assert hidden not in html


def test_a_re_run_adds_new_comments_keeps_moderators_decisions_and_reaches_the_cached_page(tmp_path, home, client):
    uploads = tmp_path / "uploads"
    run(export(tmp_path, THREAD[:2]), "--uploads", uploads)
    page = article(1)
    # A moderator rejects Brendan's reply in Newsroom; the old site meanwhile gets one more comment.
    brendan = by_author("Brendan")
    brendan.status = Comment.Status.REJECTED
    brendan.save()
    client.get(page.url)
    cached = client.get(page.url)
    assert cached["X-Cache"] == "HIT" and "A later thought" not in cached.content.decode()

    code, out, err = run(export(tmp_path, THREAD[:2] + [comment(9, parent=2, author="Gita", text="A later thought")],
                                name="again.xml"), "--uploads", uploads)
    assert code == 0, err
    assert "Comments imported: 1 approved; 2 already imported before" in out
    assert Comment.objects.filter(article=page).count() == 3
    assert by_author("Brendan").status == Comment.Status.REJECTED
    assert by_author("Gita").parent == by_author("Ada Lovelace")

    # The article readers had cached shows the new comment at once.
    assert "A later thought" in client.get(page.url).content.decode()

    code, out, _ = run(export(tmp_path, THREAD[:2] + [comment(9, parent=2, author="Gita", text="A later thought")],
                              name="again.xml"), "--uploads", uploads)
    assert Comment.objects.filter(article=page).count() == 3
    assert "Comments imported: none new; 3 already imported before" in out


def test_comments_of_a_hidden_post_are_kept_but_never_shown(tmp_path, home, client):
    post = Post(2, "Quetzalwarp staff memo", "<p>For staff.</p>", status="private",
                link=f"{BASE}/2019/03/quetzalwarp-staff-memo/", comments=[comment(20, text="Quetzalwarp comment")])
    (tmp_path / "uploads").mkdir()
    code, out, err = run(write_wxr(tmp_path / "private.xml", Site(), [post]), "--uploads", tmp_path / "uploads")
    assert code == 0, err
    assert by_author("Reader").article_id == article(2).pk
    assert "Quetzalwarp comment" not in client.get(article(2).url).content.decode()
