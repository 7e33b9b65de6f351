"""Spam resistance without third-party services: each measure refuses what it should and lets a
normal comment through. Cross-site posts are refused by their Origin; CSRF protection stays on for
every other form."""

import time

import pytest
from django.core import signing
from django.test import Client

from comments.models import Comment
from comments.screening import TOKEN_SALT, form_token
from tests.reading.comment_helpers import page_text, post_comment

pytestmark = pytest.mark.django_db


def stored():
    return Comment.objects.count()


def token_from(seconds_ago, article_id):
    """A form token signed `seconds_ago`, as a page rendered then carries."""
    signer = signing.TimestampSigner(salt=TOKEN_SALT)
    signer.timestamp = lambda: signing.b62_encode(int(time.time() - seconds_ago))
    return signer.sign(str(article_id))


def test_a_normal_comment_passes_every_measure(client, article, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    response = post_comment(client, article, token=token_from(10, article.pk),
                            text="Two links are fine: https://example.com/a and www.example.org/b")
    assert response.status_code == 200 and stored() == 1


@pytest.mark.usefixtures("quick_comments")
def test_the_honeypot_is_answered_like_a_held_comment_and_nothing_is_kept(client, article):
    response = post_comment(client, article, website="https://cheap-pills.example")
    assert response.status_code == 200 and "awaiting moderation" in page_text(response)
    assert stored() == 0


def test_a_form_sent_too_soon_after_the_page_rendered_is_refused_and_kept_for_resending(client, article,
                                                                                        settings):
    settings.COMMENTS_MIN_SECONDS = 3
    response = post_comment(client, article, token=form_token(article.pk), text="Quick as a bot")
    assert response.status_code == 400 and "quicker than we expect" in page_text(response)
    assert stored() == 0
    # The reader's text is kept, with a fresh token: after the minimum time, sending again works.
    assert "Quick as a bot" in page_text(response)
    assert post_comment(client, article, token=token_from(5, article.pk), text="Quick as a bot").status_code == 200


@pytest.mark.parametrize("token", ["", "forged", "other-article", "expired"])
def test_a_missing_forged_foreign_or_expired_token_is_refused(client, article, make_article, settings, token):
    settings.COMMENTS_MIN_SECONDS = 0
    other = make_article("Other story")
    value = {"": "", "forged": f"{article.pk}:abc:def", "other-article": form_token(other.pk),
             "expired": token_from(settings.COMMENTS_TOKEN_MAX_AGE + 60, article.pk)}[token]
    response = post_comment(client, article, token=value)
    assert response.status_code == 400 and stored() == 0


@pytest.mark.usefixtures("quick_comments")
def test_more_links_than_allowed_and_links_in_the_name_are_refused(client, article, settings):
    settings.COMMENTS_MAX_LINKS = 2
    three = "https://a.example/1 https://b.example/2 www.c.example"
    response = post_comment(client, article, text=three)
    assert response.status_code == 400 and "at most 2 web addresses" in page_text(response)
    assert post_comment(client, article, name="Buy at shop.com", text="Hello").status_code == 400
    assert stored() == 0
    settings.COMMENTS_MAX_LINKS = 0
    assert post_comment(client, article, text="See https://example.com").status_code == 400
    assert post_comment(client, article, text="No links at all").status_code == 200


def test_posts_are_limited_per_hashed_client(article, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_PER_HOUR = 2
    first, second = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.9")
    for n in range(2):
        assert post_comment(first, article, text=f"Comment {n}", email=f"r{n}@example.com").status_code == 200
    refused = post_comment(first, article, text="One too many", email="r9@example.com")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    # Another client is not affected.
    assert post_comment(second, article, text="From elsewhere", email="e@example.com").status_code == 200
    assert stored() == 3
    # The client is kept as a keyed hash, never its address.
    digests = set(Comment.objects.values_list("client_digest", flat=True))
    assert len(digests) == 2 and all(len(d) == 32 and "203.0.113.7" not in d for d in digests)


@pytest.mark.usefixtures("quick_comments")
def test_the_same_text_twice_is_refused_as_a_duplicate(client, article, make_article):
    assert post_comment(client, article, text="Great article!").status_code == 200
    # Same sender by address, same article, any case.
    again = post_comment(client, article, text="great ARTICLE!")
    assert again.status_code == 400 and "already posted this comment" in page_text(again)
    # Same client under another address.
    assert post_comment(client, article, text="Great article!", email="other@example.com").status_code == 400
    # The same text on another article the same day.
    assert post_comment(client, make_article("Other story"), text="Great article!").status_code == 400
    # Another reader may say the same.
    assert post_comment(Client(REMOTE_ADDR="198.51.100.9"), article, text="Great article!",
                        email="bo@example.com").status_code == 200
    assert stored() == 2


@pytest.mark.usefixtures("quick_comments")
def test_a_post_from_another_site_is_refused_by_its_origin(client, article):
    refused = client.post(f"/comments/{article.pk}/", {"name": "x"}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and stored() == 0
    cross = Client(headers={"Referer": "https://evil.example/page"})
    assert post_comment(cross, article).status_code == 403
    same = Client(headers={"Origin": "http://testserver"})
    assert post_comment(same, article).status_code == 200
    assert stored() == 1


@pytest.mark.usefixtures("quick_comments")
def test_csrf_protection_is_intact_for_everything_else(article, editor):
    strict = Client(enforce_csrf_checks=True)
    # The comment form needs no token (the page carrying it is cached for every reader)…
    assert post_comment(strict, article).status_code == 200
    # …and the forms that act for a signed-in user still refuse a post without one.
    strict.force_login(editor)
    assert strict.post("/admin/login/", {"username": "editor", "password": "x"}).status_code == 403
    assert strict.post(f"/admin/pages/{article.pk}/unpublish/").status_code == 403
    article.refresh_from_db()
    assert article.live
