"""Top Trending from anonymous daily view counts."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.models import ArticlePage
from tests.helpers import make_section
from trending.counting import record_view
from trending.guard import view_token
from trending.models import ArticleDailyViews
from trending.queries import top_trending

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def beacon(client, article_id, user_agent=BROWSER, token=None, ip="198.51.100.1", **extra):
    """The article page's beacon: POST with the token signed into the page (the article's own,
    unless another is given)."""
    if user_agent is not None:
        extra["HTTP_USER_AGENT"] = user_agent
    token = view_token(article_id) if token is None else token
    return client.post(f"/api/views/{article_id}/", {"token": token}, REMOTE_ADDR=ip, **extra)


def counts(article):
    return dict(ArticleDailyViews.objects.filter(article=article).values_list("day", "views"))


def add_views(article, views, days_ago=0):
    day = timezone.localdate() - timedelta(days=days_ago)
    ArticleDailyViews.objects.update_or_create(article=article, day=day, defaults={"views": views})


def test_the_beacon_counts_views_per_day(client, make_article):
    article = make_article("Flood defences hold")
    today = timezone.localdate()
    for reader in range(3):
        response = beacon(client, article.pk, ip=f"198.51.100.{reader + 1}")
        assert response.status_code == 204
        assert response.content == b""
        assert "Set-Cookie" not in response and not response.cookies
    assert counts(article) == {today: 3}

    tomorrow = today + timedelta(days=1)
    with mock.patch("trending.counting.timezone.localdate", return_value=tomorrow):
        beacon(client, article.pk)  # a reader of yesterday counts again today
    assert counts(article) == {today: 3, tomorrow: 1}
    assert ArticleDailyViews.objects.count() == 2


def test_the_beacon_needs_no_csrf_token_and_stores_nothing_about_the_reader(make_article):
    article = make_article("Flood defences hold")
    response = beacon(Client(enforce_csrf_checks=True), article.pk, ip="203.0.113.9")
    assert response.status_code == 204
    assert counts(article) == {timezone.localdate(): 1}
    assert {field.name for field in ArticleDailyViews._meta.get_fields()} == {"id", "article", "day", "views"}


def test_the_beacon_only_accepts_post(client, make_article):
    article = make_article("Flood defences hold")
    url = f"/api/views/{article.pk}/"
    assert client.get(url).status_code == 405
    assert client.put(url).status_code == 405
    assert client.head(url).status_code == 405
    assert not ArticleDailyViews.objects.exists()


def test_the_beacon_refuses_articles_readers_cannot_see(client, home, section, make_article):
    draft = make_article("Draft", publish=False)
    unpublished = make_article("Withdrawn")
    unpublished.unpublish()
    private = make_article("Members only")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD,
                                       password="secret")
    hidden_section = make_section(home, "Internal")
    in_private_section = make_article("Staff notice", parent=hidden_section)
    PageViewRestriction.objects.create(page=hidden_section, restriction_type=PageViewRestriction.LOGIN)

    for page_id in (draft.pk, unpublished.pk, private.pk, in_private_section.pk, section.pk, home.pk, 999_999,
                    2**31, 10**30):  # beyond any page id (SQLite cannot even compare 10**30)
        assert beacon(client, page_id).status_code == 404, page_id
    assert not ArticleDailyViews.objects.exists()


@pytest.mark.parametrize("user_agent", [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; Baiduspider/2.0)",
    "CCBot/2.0 crawler",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
    "",
    None,
])
def test_the_beacon_ignores_bots(client, make_article, user_agent):
    article = make_article("Flood defences hold")
    assert beacon(client, article.pk, user_agent=user_agent).status_code == 204
    assert not ArticleDailyViews.objects.exists()


def test_record_view_is_one_statement(make_article):
    article = make_article("Flood defences hold")
    record_view(article.pk)
    with CaptureQueriesContext(connection) as queries:
        record_view(article.pk)
    assert len(queries) == 1
    assert counts(article) == {timezone.localdate(): 2}


def test_top_trending_orders_by_views_then_newest(make_article):
    now = timezone.now()
    oldest = make_article("Oldest", published_date=now - timedelta(days=3))
    older = make_article("Older", published_date=now - timedelta(days=2))
    newer = make_article("Newer", published_date=now - timedelta(days=1))
    make_article("Unread", published_date=now)
    add_views(oldest, 4, days_ago=0)
    add_views(oldest, 3, days_ago=2)  # 7 in all, over two days
    add_views(older, 5)
    add_views(newer, 5)  # tie with "Older": the newer article first

    assert [a.title for a in top_trending()] == ["Oldest", "Newer", "Older"]
    assert [a.title for a in top_trending(limit=2)] == ["Oldest", "Newer"]
    assert top_trending(limit=0) == []
    trending = top_trending()
    assert all(type(a) is ArticlePage for a in trending)
    assert [a.trending_views for a in trending] == [7, 5, 5]


def test_unpublished_private_or_expired_articles_drop_out_of_trending(home, make_article):
    articles = {title: make_article(title) for title in ("Withdrawn", "Members only", "Expiring", "Steady")}
    for views, article in enumerate(articles.values(), start=10):
        add_views(article, 100 - views)
    assert [a.title for a in top_trending()] == ["Withdrawn", "Members only", "Expiring", "Steady"]

    articles["Withdrawn"].unpublish()
    PageViewRestriction.objects.create(page=articles["Members only"], restriction_type=PageViewRestriction.LOGIN)
    # Past its expiry time: gone at once, before the scheduler has unpublished it...
    ArticlePage.objects.filter(pk=articles["Expiring"].pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    assert [a.title for a in top_trending()] == ["Steady"]
    # ...and after.
    call_command("publish_scheduled")
    expired = ArticlePage.objects.get(pk=articles["Expiring"].pk)
    assert expired.expired and not expired.live
    assert [a.title for a in top_trending()] == ["Steady"]


def test_an_article_in_a_section_made_private_drops_out(home, make_article):
    secret_section = make_section(home, "Internal")
    article = make_article("Staff notice", parent=secret_section)
    add_views(article, 50)
    assert [a.title for a in top_trending()] == ["Staff notice"]
    PageViewRestriction.objects.create(page=secret_section, restriction_type=PageViewRestriction.LOGIN)
    assert top_trending() == []


def test_views_older_than_the_window_do_not_count(make_article):
    once_big = make_article("Once big")
    current = make_article("Current")
    forgotten = make_article("Forgotten")
    add_views(once_big, 100, days_ago=7)  # just outside a 7-day window (today and the 6 days before)
    add_views(once_big, 1, days_ago=6)  # just inside
    add_views(current, 2)
    add_views(forgotten, 500, days_ago=30)

    assert [(a.title, a.trending_views) for a in top_trending(days=7)] == [("Current", 2), ("Once big", 1)]
    assert [(a.title, a.trending_views) for a in top_trending(days=8)] == [("Once big", 101), ("Current", 2)]
    assert [a.title for a in top_trending(days=1)] == ["Current"]


def test_top_trending_takes_the_same_few_queries_for_3_or_20_articles(make_article,
                                                                     django_assert_max_num_queries):
    articles = [make_article(f"Story {n}") for n in range(20)]
    for n, article in enumerate(articles[:3]):
        add_views(article, n + 1)
    with CaptureQueriesContext(connection) as few:
        assert len(top_trending(limit=20)) == 3
    assert len(few) <= 2  # the view restrictions (unless this process has them), then one aggregate query

    for n, article in enumerate(articles[3:], start=4):
        add_views(article, n)
        add_views(article, 1, days_ago=3)
    with django_assert_max_num_queries(len(few)):
        trending = top_trending(limit=20)
        assert len(trending) == 20
        assert [a.title for a in trending[:2]] == ["Story 19", "Story 18"]
        [a.title for a in trending]  # the articles are complete: no query per row


# -- inflating the counts ------------------------------------------------------------------------------

def test_a_view_counts_only_with_the_token_signed_into_its_page(client, make_article, settings):
    import re
    import time

    article, other = make_article("Flood defences hold"), make_article("Harbour reopens")
    token = re.search(r'data-view-token="([^"]+)"', client.get(article.url).content.decode()).group(1)
    assert beacon(client, article.pk, token=token, ip="198.51.100.1").status_code == 204
    refused = ["", "forged", view_token(other.pk), token[:-2] + "xx"]
    for n, bad in enumerate(refused, start=2):
        assert beacon(client, article.pk, token=bad, ip=f"198.51.100.{n}").status_code == 204  # says nothing
    settings.VIEW_TOKEN_MAX_AGE = 1
    time.sleep(1.1)
    assert beacon(client, article.pk, token=token, ip="198.51.100.9").status_code == 204  # expired
    assert counts(article) == {timezone.localdate(): 1}


def test_one_client_counts_once_per_article_and_day_and_for_few_articles(client, make_article, settings):
    settings.VIEW_BEACON_DAILY_LIMIT = 3
    old = make_article("Year-old explainer", published_date=timezone.now() - timedelta(days=365))
    popular = make_article("Storm closes the bridge")
    for reader in range(5):
        beacon(client, popular.pk, ip=f"203.0.113.{reader + 1}")
    for _ in range(300):  # the attack that put a year-old article at #1
        beacon(client, old.pk, ip="192.0.2.66")
    assert counts(old) == {timezone.localdate(): 1}
    assert [a.pk for a in top_trending(2)] == [popular.pk, old.pk]
    # Another browser on the same address is another reader; a client's daily limit caps the rest.
    beacon(client, old.pk, ip="192.0.2.66", user_agent=BROWSER + " other")
    assert counts(old) == {timezone.localdate(): 2}
    articles = [make_article(f"Story {n}") for n in range(5)]
    for article in articles:
        beacon(client, article.pk, ip="192.0.2.77")
    assert sum(sum(counts(a).values()) for a in articles) == 3
