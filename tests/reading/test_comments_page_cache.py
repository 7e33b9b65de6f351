"""Comments and the page cache: the article stays cached for readers (its form carries no CSRF token
and nothing of one reader), a comment posts from the cached copy, and approving or removing a comment
purges exactly the article page that shows it — not the other articles, listings or the home page."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.reading.comment_helpers import comments_section, post_comment, token_in

pytestmark = [pytest.mark.django_db, pytest.mark.opensearch, pytest.mark.usefixtures("quick_comments")]


@pytest.fixture
def other(make_article):
    return make_article("Ferry timetable changes")


def x_cache(client, url):
    return client.get(url)["X-Cache"]


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert x_cache(client, url) == "HIT", url


def test_the_article_with_its_comments_is_cached_for_readers(client, article):
    Comment.objects.create(article=article, name="Ada", email="ada@example.com", text="Cached remark",
                           status=Comment.Status.APPROVED)
    first = client.get(article.url)
    assert first["X-Cache"] == "MISS" and "Cached remark" in comments_section(first)
    assert 'id="comment-form"' in comments_section(first) and "csrfmiddlewaretoken" not in first.content.decode()
    second = client.get(article.url)
    assert second["X-Cache"] == "HIT" and second.content == first.content and not second.cookies


def test_a_comment_posts_from_the_cached_page_with_csrf_checks_on(article, home, other):
    reader = Client(enforce_csrf_checks=True)  # as a browser: Django's CSRF middleware is not told to skip
    reader.get(article.url)
    cached = reader.get(article.url)
    assert cached["X-Cache"] == "HIT"
    response = post_comment(reader, article, token=token_in(cached), text="Sent from a cached copy",
                            headers={"Origin": "http://testserver"})
    assert response.status_code == 200
    assert Comment.objects.get().status == Comment.Status.PENDING
    # A held comment changes nothing readers see: no page is purged.
    assert x_cache(reader, article.url) == "HIT"


def test_approving_a_comment_purges_only_its_article(client, article, other, home, section):
    comment = Comment.objects.create(article=article, name="Ada", email="ada@example.com", text="Now approved")
    warm(client, article.url, other.url, "/", section.url)
    comment.status = Comment.Status.APPROVED
    comment.save()
    fresh = client.get(article.url)
    assert fresh["X-Cache"] == "MISS" and "Now approved" in comments_section(fresh)
    assert "1 comment</a>" in fresh.content.decode()
    for url in (other.url, "/", section.url):
        assert x_cache(client, url) == "HIT", f"{url} was purged, but shows no comment"


@pytest.mark.parametrize("removal", ["reject", "spam", "delete"])
def test_removing_an_approved_comment_purges_only_its_article(client, article, other, home, removal):
    comment = Comment.objects.create(article=article, name="Ada", email="ada@example.com", text="Soon gone",
                                     status=Comment.Status.APPROVED)
    warm(client, article.url, other.url, "/")
    assert "Soon gone" in comments_section(client.get(article.url))
    if removal == "delete":
        comment.delete()
    else:
        comment.status = Comment.Status.REJECTED if removal == "reject" else Comment.Status.SPAM
        comment.save()
    fresh = client.get(article.url)
    assert fresh["X-Cache"] == "MISS" and "Soon gone" not in fresh.content.decode()
    assert x_cache(client, other.url) == "HIT" and x_cache(client, "/") == "HIT"


def test_moderating_a_comment_readers_never_saw_purges_nothing(client, article):
    comment = Comment.objects.create(article=article, name="Ada", email="ada@example.com", text="Never shown")
    warm(client, article.url)
    comment.status = Comment.Status.SPAM
    comment.save()
    comment.delete()
    assert x_cache(client, article.url) == "HIT"


def test_a_bulk_approval_in_the_admin_purges_the_articles_of_the_chosen_comments(editor_client, article, other,
                                                                                   home):
    from django.urls import reverse

    reader = Client()
    comment = Comment.objects.create(article=article, name="Ada", email="ada@example.com", text="Bulk approved")
    warm(reader, article.url, other.url, "/")
    url = reverse("wagtail_bulk_action", args=("comments", "comment", "approve"))
    editor_client.post(f"{url}?id={comment.pk}", {"next": "/admin/"})
    fresh = reader.get(article.url)
    assert fresh["X-Cache"] == "MISS" and "Bulk approved" in comments_section(fresh)
    assert x_cache(reader, other.url) == "HIT" and x_cache(reader, "/") == "HIT"


def test_closing_or_turning_off_comments_reaches_cached_pages_at_once(client, article, other, section):
    from comments.models import CommentRule

    warm(client, article.url, other.url)
    rule = CommentRule.objects.create(page=article, state=CommentRule.State.CLOSED)
    assert "Comments are closed." in comments_section(client.get(article.url))
    assert x_cache(client, other.url) == "HIT"
    rule.delete()
    assert 'id="comment-form"' in comments_section(client.get(article.url))
    warm(client, article.url, other.url)
    CommentRule.objects.create(page=section, state=CommentRule.State.OFF)
    for url in (article.url, other.url):
        assert comments_section(client.get(url)) == ""
