"""Readers' comments on the article page: posting without JavaScript and with it, replies, what is
shown (escaped, links nofollow ugc, no addresses), and that nothing leaks: no comment, count or form on
an unpublished, private, expired or scheduled article, no pending, rejected or spam comment, and no
comment in search."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from comments.models import Comment
from tests.reading.comment_helpers import READER, comments_section, page_text, post_comment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_comments")]


def approve(comment):
    comment.status = Comment.Status.APPROVED
    comment.save()


def test_a_posted_comment_waits_for_moderation_then_appears_with_its_count(client, article):
    response = post_comment(client, article, text="Good to see the ferries back.")
    assert response.status_code == 200
    assert "awaiting moderation" in page_text(response)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING and comment.article_id == article.pk
    assert comment.held_because == "first comment"

    page = client.get(article.url)
    assert "Good to see the ferries back." not in page_text(page)
    assert "0 comments" in page_text(page) and "No comments yet." in page_text(page)

    approve(comment)
    page = client.get(article.url)
    section = comments_section(page)
    assert "Good to see the ferries back." in section and "Ada Reader" in section
    assert "1 comment</a>" in page.content.decode()  # in the byline, linking to #comments
    assert READER["email"] not in page.content.decode()  # the address is never shown


def test_the_form_works_without_javascript_labels_and_errors_linked(client, article):
    section = comments_section(client.get(article.url))
    for field in ("name", "email", "text"):
        assert f'<label for="comment-{field}">' in section
    assert f'action="/comments/{article.pk}/" method="post"' in section
    assert "csrfmiddlewaretoken" not in section

    response = post_comment(client, article, name="", text="")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="comment-name" name="name"' in body
    assert 'aria-invalid="true" aria-describedby="comment-name-error"' in body
    assert '<p class="comment-form__error" id="comment-name-error">Enter your name.</p>' in body
    assert '<p class="comment-form__error" id="comment-text-error">Write your comment.</p>' in body
    assert Comment.objects.count() == 0


def test_the_javascript_path_gets_json(client, article):
    response = post_comment(client, article, json=True)
    assert response.status_code == 201
    assert response.json()["ok"] is True and response.json()["status"] == "pending"
    response = post_comment(client, article, json=True, text="", name="Second")
    assert response.status_code == 400 and response.json()["errors"]["text"] == ["Write your comment."]


def test_replies_go_one_level_deep_under_approved_comments(client, article):
    post_comment(client, article, text="First!")
    top = Comment.objects.get()
    # A reply to a comment readers cannot see yet is refused.
    assert post_comment(client, article, text="Replying early", parent=top.pk).status_code == 400
    approve(top)
    reply_page = client.get(f"/comments/{article.pk}/reply/{top.pk}/")
    assert reply_page.status_code == 200 and "Reply to Ada Reader" in page_text(reply_page)
    assert f'name="parent" value="{top.pk}"' in reply_page.content.decode()

    assert post_comment(client, article, text="A reply", parent=top.pk, email="bo@example.com",
                        name="Bo").status_code == 200
    reply = Comment.objects.get(text="A reply")
    assert reply.parent_id == top.pk
    approve(reply)
    # No replies to replies.
    assert post_comment(client, article, text="Deeper", parent=reply.pk).status_code == 400
    section = comments_section(client.get(article.url))
    assert '<ol class="comments__replies">' in section and "A reply" in section
    assert "2 comments" in page_text(client.get(article.url))


def test_comment_text_and_name_are_escaped_and_links_are_nofollow_ugc(client, article):
    post_comment(client, article, name="<b>Eve</b>",
                 text='<script>alert(1)</script> <a href="https://evil.example">x</a> see https://example.com/report')
    approve(Comment.objects.get())
    section = comments_section(client.get(article.url))
    assert "<script>alert(1)" not in section and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "<b>Eve</b>" not in section and "&lt;b&gt;Eve&lt;/b&gt;" in section
    assert '<a href="https://evil.example">' not in section
    assert '<a href="https://example.com/report" rel="nofollow ugc">https://example.com/report</a>' in section


@pytest.mark.parametrize("state", ["pending", "rejected", "spam"])
def test_pending_rejected_and_spam_comments_are_never_shown_or_counted(client, article, state):
    Comment.objects.create(article=article, name="Hidden", email="h@example.com", text=f"Not for readers {state}",
                           status=state)
    page = page_text(client.get(article.url))
    assert f"Not for readers {state}" not in page and "Hidden" not in page
    assert "0 comments" in page


def hide(article, how):
    if how == "unpublished":
        article.unpublish()
    elif how == "private":
        PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.PASSWORD,
                                           password="secret")
    elif how == "expired":
        type(article).objects.filter(pk=article.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    elif how == "scheduled":
        type(article).objects.filter(pk=article.pk).update(go_live_at=timezone.now() + timedelta(hours=1))


@pytest.mark.parametrize("how", ["unpublished", "private", "expired", "scheduled"])
def test_no_comment_count_or_form_on_an_article_readers_may_not_see(client, article, how):
    post_comment(client, article, text="Shown while public")
    approve(Comment.objects.get())
    assert "Shown while public" in page_text(client.get(article.url))
    hide(article, how)
    article.refresh_from_db()

    # Posting to it is refused as if it did not exist.
    assert post_comment(client, article, text="Sneaking in", email="x@example.com").status_code == 404
    assert not Comment.objects.filter(text="Sneaking in").exists()
    # The template itself shows nothing, whoever renders the page (an editor's preview, a reader who
    # entered the page's password).
    from django.test import RequestFactory

    assert render_comment_tags(article, RequestFactory().get(article.url or "/")) == ""
    if how == "private":
        client.post(f"/_util/authenticate_with_password/{PageViewRestriction.objects.get().pk}/{article.pk}/",
                    {"password": "secret", "return_url": article.url})
        page = client.get(article.url)
        assert page.status_code == 200 and "Harbour reopens" in page_text(page)
        assert "Shown while public" not in page_text(page) and 'id="comments"' not in page_text(page)


def render_comment_tags(article, request, **context):
    from django.template import Context, Template

    return Template("{% load comment_tags %}{% comment_count page %}{% comments_for page %}").render(
        Context({"page": article, "request": request, **context})).strip()


def test_previews_and_draft_links_show_no_comments(client, article, rf):
    post_comment(client, article, text="Public remark")
    approve(Comment.objects.get())
    assert "Public remark" in render_comment_tags(article, rf.get(article.url))
    preview = rf.get(article.url)
    preview.is_preview = True  # Wagtail's preview of an edit, which may not be published
    assert render_comment_tags(article, preview) == ""
    assert render_comment_tags(article, rf.get("/draft/x/"), draft_preview=True) == ""


def test_a_signed_in_editor_posting_is_a_reader_like_any_other(editor_client, article):
    assert post_comment(editor_client, article, text="From the newsroom").status_code == 200
    assert Comment.objects.get().status == Comment.Status.PENDING


@pytest.mark.opensearch
def test_comments_are_never_in_search_results(client, article, search_backend, patient_search):
    post_comment(client, article, text="Zebracorn flotilla sighted near the pier")
    approve(Comment.objects.get())
    from wagtail.models import Page
    from wagtail.search.index import get_indexed_models

    assert Comment not in get_indexed_models()
    assert [page.pk for page in search_backend.search("harbour reopened", Page)] == [article.pk]
    assert list(search_backend.search("zebracorn flotilla", Page)) == []
    # Nor does the readers' search page list the article for the comment's words.
    results = page_text(client.get("/search/", {"q": "zebracorn flotilla"}))
    # (The sidebar beside the results lists the latest articles, this one among them.)
    found = results.split('id="main"', 1)[1].split('<aside class="sidebar"', 1)[0]
    assert "No articles match" in found and f'href="{article.url}"' not in found
