"""The full-page cache for anonymous readers (pagecache/): what it keeps, what it never keeps, and
that every change readers would notice reaches them at once, on the Redis the suite runs on."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from devenv.redis import TemporaryRedis
from home.models import HomePageHotItem
from news.models import ArticlePage
from newsroom.settings.derived import all_caches
from pagecache import store
from sharing.models import DraftLink
from tests.helpers import make_section

pytestmark = [pytest.mark.opensearch, pytest.mark.django_db]


def get(client, url, **params):
    response = client.get(url, params)
    return response, response.content.decode()


def without_render_tokens(html):
    """The comment form's token and the article's view token carry their render second."""
    html = re.sub(r'name="token" value="[^"]*"', 'name="token" value=""', html)
    return re.sub(r'data-view-token="[^"]*"', 'data-view-token=""', html)


def test_an_anonymous_page_is_served_from_the_cache_without_touching_the_database(client, make_article):
    make_article("Harbour reopens")
    first, html = get(client, "/")
    assert first.status_code == 200 and first["X-Cache"] == "MISS" and "Harbour reopens" in html
    with CaptureQueriesContext(connection) as queries:
        second, cached_html = get(client, "/")
    assert second["X-Cache"] == "HIT" and cached_html == html
    assert len(queries) == 0
    # For browsers and a CDN in front: public, short in the browser, longer at the edge.
    for response in (first, second):
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"public", "max-age=60", "s-maxage=120", "stale-while-revalidate=60",
                "stale-if-error=86400"} <= directives
        assert not response.cookies, "a cached page must set no cookie (no CSRF token, no session)"


def test_tracking_parameters_share_the_cached_page_and_other_parameters_do_not(client, section, make_article):
    for n in range(25):
        make_article(f"Story {n}")
    get(client, section.url)
    shared, _ = get(client, section.url, utm_source="newsletter", fbclid="abc")
    assert shared["X-Cache"] == "HIT"
    page_two, html = get(client, section.url, page=2)
    assert page_two["X-Cache"] == "MISS" and "Story 0" in html  # oldest, on the second page


def test_head_requests_are_answered_from_the_cache(client, make_article):
    make_article("Harbour reopens")
    get(client, "/")
    assert client.head("/")["X-Cache"] == "HIT"


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_logged_in_editors_are_never_served_or_stored(client, editor, make_article):
    article = make_article("Harbour reopens")
    anonymous = Client()
    get(anonymous, article.url)
    client.force_login(editor)
    for _ in range(2):
        response, html = get(client, article.url)
        assert "X-Cache" not in response and "private" in response["Cache-Control"]
        assert "wagtail-userbar" in html
    # …and what the editor saw never reaches readers.
    response, html = get(anonymous, article.url)
    assert response["X-Cache"] == "HIT" and "wagtail-userbar" not in html


def test_search_with_a_query_previews_and_draft_links_are_never_cached(client, editor, make_article):
    make_article("Harbour reopens")
    for _ in range(2):
        response, _ = get(client, "/search/", q="harbour")
        assert response.get("X-Cache") == "BYPASS" and "no-store" in response["Cache-Control"]
    draft = make_article("Embargoed budget leak", publish=False)
    link, token = DraftLink.create_for(draft, editor)
    for _ in range(2):
        response, html = get(client, f"/draft/{token}/")
        assert response.status_code == 200 and "Embargoed budget leak" in html
        assert "X-Cache" not in response and "no-store" in response["Cache-Control"]
    assert get(client, "/")[0]["X-Cache"] == "MISS"  # the site itself is cacheable


def test_a_page_carrying_a_csrf_token_is_not_cached(client, make_article):
    # A password-protected page shows a form with a CSRF token, which belongs to one reader.
    article = make_article("Members briefing")
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.PASSWORD, password="x")
    client.cookies["csrftoken"] = "a" * 32  # the reader already has a token cookie: no Set-Cookie
    for _ in range(2):
        response, html = get(client, article.url)
        assert "csrfmiddlewaretoken" in html and response["X-Cache"] == "BYPASS"


# -- Every change readers would notice is purged ------------------------------------------------

@pytest.fixture
def newsroom(home, section, author, make_article):
    """A live story with a tag and an author, a second one beside it, and a section elsewhere."""
    sports = make_section(home, "Sports")
    story = make_article("Secret of the harbour", tags=["harbour"], standfirst="Divers found the old chart.")
    neighbour = make_article("Harbour pilots strike", tags=["harbour"])
    match = make_article("Cup final tonight", parent=sports)
    HomePageHotItem.objects.create(page=home, article_id=story.pk, sort_order=0)
    return {"story": story, "neighbour": neighbour, "match": match, "sports": sports}


def surfaces(newsroom, section, author):
    return {"home": "/", "section": section.url, "section feed": f"{section.url}feed/",
            "author": author.get_absolute_url(), "tag": "/tags/harbour/", "feed": "/feed/",
            "sitemap": "/sitemap.xml", "news sitemap": "/news-sitemap.xml",
            "neighbour (ticker, related)": newsroom["neighbour"].url, "other section": newsroom["sports"].url}


def prime(client, urls):
    for url in urls:
        get(client, url)
        response, _ = get(client, url)
        assert response["X-Cache"] == "HIT", url


def _unpublish(story, **_):
    story.unpublish()


def _expire_through_the_scheduler(story, **_):
    story.unpublish(set_expired=True)


def _private_by_password(story, **_):
    PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.PASSWORD, password="x")


def _private_by_login(story, **_):
    PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.LOGIN)


def _section_made_private(story, section, **_):
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)


def _moved_into_a_private_section(story, home, **_):
    hidden = make_section(home, "Members")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    story.move(hidden, pos="last-child")


def _deleted(story, **_):
    story.delete()


def _new_draft_of_a_live_story(story, **_):
    story.title = "Secret pending headline"
    story.save_revision()


CHANGES = {"unpublished": _unpublish, "expired": _expire_through_the_scheduler,
           "private by password": _private_by_password, "private by login": _private_by_login,
           "section made private": _section_made_private, "moved into a private section": _moved_into_a_private_section,
           "deleted": _deleted, "new draft": _new_draft_of_a_live_story}


@pytest.mark.parametrize("page_cache", ["on", "off"])
@pytest.mark.parametrize("change", CHANGES)
def test_a_story_taken_from_readers_leaves_every_cached_page_at_once(client, settings, home, section, author,
                                                                    newsroom, change, page_cache):
    # With the page cache off, pages render from the fragment cache ({% fragment %}: the header, the
    # footer, each page's meta tags and content), which these changes must purge just the same.
    if page_cache == "off":
        settings.PAGE_CACHE_SECONDS = 0
    story = newsroom["story"]
    urls = surfaces(newsroom, section, author)
    story_url = story.url
    if page_cache == "on":
        prime(client, [story_url, *urls.values()])
    else:
        for url in [story_url, *urls.values()]:
            assert "X-Cache" not in get(client, url)[0]
    assert "Secret of the harbour" in get(client, "/")[1]  # in the ticker, before

    CHANGES[change](ArticlePage.objects.get(pk=story.pk), home=home, section=section)

    if change == "new draft":  # still live: the live version stays, the draft shows nowhere
        assert "Secret of the harbour" in get(client, story_url)[1]
        hidden = ["Secret pending headline"]
    else:
        gone = client.get(story_url, follow=True)  # 404, a login page, a password form, or moved
        assert "Divers found the old chart" not in gone.content.decode(), "the story itself is gone"
        hidden = ["Secret of the harbour", "secret-of-the-harbour"]  # titles, and URLs in sitemaps
    leaks = [name for name, url in urls.items() if any(text in get(client, url)[1] for text in hidden)]
    assert leaks == [], f"{change}: still shown on {leaks}"


@pytest.mark.parametrize("page_cache", ["on", "off"])
def test_an_expiry_time_is_kept_even_before_the_scheduler_runs(client, settings, section, author, newsroom,
                                                               page_cache):
    # Published with an expiry a few seconds ahead: cached pages and fragments must not outlive it
    # (the scheduler would only unpublish it, and purge, up to 30 s later).
    if page_cache == "off":
        settings.PAGE_CACHE_SECONDS = 0  # pages render, from fragments ({% fragment %})
    story = newsroom["story"]
    expires = timezone.now() + timedelta(seconds=4)
    story.expire_at = expires
    story.save_revision().publish()
    # Before the expiry: cached, or its address remembered (pagecache.routes).
    assert get(client, story.url)[0].status_code == 200
    urls = surfaces(newsroom, section, author)
    for url in urls.values():
        get(client, url)
    response, html = get(client, "/")
    assert "Secret of the harbour" in html
    if page_cache == "on":
        assert response["X-Cache"] == "HIT", "cached, until the expiry"
        assert int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 4  # the CDN's copy too
    time.sleep(max(0.0, (expires - timezone.now()).total_seconds()) + 0.2)
    leaks = [name for name, url in urls.items()
             if any(text in get(client, url)[1] for text in ("Secret of the harbour", "secret-of-the-harbour"))]
    assert leaks == []
    assert client.get(story.url).status_code == 404


@pytest.mark.parametrize("page_cache", ["on", "off"])
def test_publishing_shows_the_new_story_everywhere_it_is_listed(client, settings, home, section, author, newsroom,
                                                                make_article, page_cache):
    urls = surfaces(newsroom, section, author)
    if page_cache == "on":
        prime(client, urls.values())
    else:
        settings.PAGE_CACHE_SECONDS = 0
        for url in urls.values():
            get(client, url)
    make_article("Lighthouse keeper retires", tags=["harbour"])
    for name, url in urls.items():
        if name != "other section":
            assert "lighthouse-keeper-retires" in get(client, url)[1], name  # its URL: cards, feeds, sitemaps


def test_a_body_correction_to_an_older_story_purges_only_the_pages_that_list_it(client, home, section, author,
                                                                              newsroom, make_article):
    # Eight newer breaking stories fill the ticker, so the old match report is in no page's header.
    for n in range(8):
        make_article(f"Breaking {n}", breaking=True)
    HomePageHotItem.objects.all().delete()
    match = ArticlePage.objects.get(pk=newsroom["match"].pk)
    sports_url, neighbour_url = newsroom["sports"].url, newsroom["neighbour"].url
    prime(client, [sports_url, neighbour_url, match.url, "/"])

    # Its card (headline, standfirst, picture, date) is unchanged: other articles' Related Posts
    # cannot show anything new (a corrected headline purges everything: the test below).
    match.body = [{"type": "paragraph", "value": "<p>Kick-off is at 8pm (corrected kick-off time).</p>"}]
    match.save_revision().publish()

    assert "corrected kick-off" in get(client, match.url)[1]
    for url in (sports_url, "/"):
        assert get(client, url)[0]["X-Cache"] == "MISS", url
    assert get(client, neighbour_url)[0]["X-Cache"] == "HIT", "a page not listing it keeps its cached copy"


def test_header_and_footer_come_from_the_fragment_cache_until_the_navigation_changes(client, settings, home,
                                                                                    newsroom):
    from core.models import SiteSettings
    from home.models import NavigationItem

    settings.PAGE_CACHE_SECONDS = 0
    sports = newsroom["sports"]
    with CaptureQueriesContext(connection) as cold:
        get(client, "/tags/harbour/")
    with CaptureQueriesContext(connection) as warm:  # rendered again, with the fragments cached
        get(client, "/tags/harbour/")
    assert len(warm) < len(cold), "the header's navigation and ticker were not queried again"
    site_settings = SiteSettings.for_site(home.get_site())
    NavigationItem.objects.create(settings=site_settings, section=sports, sort_order=0)  # Sports alone
    _, html = get(client, "/tags/harbour/")
    nav = html[html.index('id="main-nav-list"'):html.index("</ul>", html.index('id="main-nav-list"'))]
    assert "Sports" in nav and "World" not in nav


@pytest.mark.parametrize("path", ["home", "section", "article"])
def test_rendered_pages_take_their_content_and_meta_from_the_fragment_cache(client, settings, section, author,
                                                                           newsroom, path):
    settings.PAGE_CACHE_SECONDS = 0
    url = {"home": "/", "section": section.url, "article": newsroom["story"].url}[path]
    with CaptureQueriesContext(connection) as cold:
        first, html = get(client, url)
    with CaptureQueriesContext(connection) as warm:
        second, warm_html = get(client, url)
    assert "X-Cache" not in second and warm_html == html
    # What is left: the site, the page by its address (a section: after trying an article there),
    # Wagtail's view-restriction check (two), site settings.
    assert len(warm) <= 7 < len(cold), [q["sql"][:80] for q in warm]
    settings.FRAGMENT_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as off:
        rendered_again = get(client, url)[1]
    # The form's and the view counter's tokens carry their render time (to the second): rendered
    # afresh, they may differ.
    assert without_render_tokens(rendered_again) == without_render_tokens(html)
    assert len(off) > len(warm) + 2, "FRAGMENT_CACHE_SECONDS=0 renders everything again"


def test_a_rendered_article_is_routed_from_the_cache_until_its_address_is_purged(client, settings, editor,
                                                                               newsroom):
    # pagecache.routes: readers' requests find the article without a query; after a purge, and for
    # editors, the database answers.
    settings.PAGE_CACHE_SECONDS = 0
    story = ArticlePage.objects.get(pk=newsroom["story"].pk)
    url = story.url
    get(client, url)
    with CaptureQueriesContext(connection) as warm:
        response, html = get(client, url)
    assert response.status_code == 200 and "Divers found the old chart." in html
    assert not [q for q in warm if "news_articlepage" in q["sql"]], [q["sql"][:80] for q in warm]

    story.title = "Secret pending headline"  # a draft: no purge, and readers keep the live row
    story.save_revision(user=editor)
    response, html = get(client, url)
    assert "Secret of the harbour" in html and "Secret pending headline" not in html
    editor_client = Client()
    editor_client.force_login(editor)
    with CaptureQueriesContext(connection) as editors:
        get(editor_client, url)
    assert [q for q in editors if "news_articlepage" in q["sql"]], "an editor's request asks the database"

    # (An expiry reaching the remembered row: test_an_expiry_time_is_kept_even_before_the_scheduler_runs.)
    ArticlePage.objects.get(pk=story.pk).unpublish()
    assert client.get(url).status_code == 404


def test_previews_and_draft_links_neither_read_nor_store_fragments(client, settings, editor, newsroom):
    settings.PAGE_CACHE_SECONDS = 0
    story = ArticlePage.objects.get(pk=newsroom["story"].pk)
    get(client, story.url)  # the live page's fragments are stored
    story.title = "Harbour secret: draft headline"
    story.standfirst = "A draft standfirst."
    revision = story.save_revision(user=editor)

    preview = revision.as_object().make_preview_request()
    html = preview.render().content.decode() if hasattr(preview, "render") else preview.content.decode()
    assert "Harbour secret: draft headline" in html and "A draft standfirst." in html
    assert "Divers found the old chart." not in html, "the live page's fragment leaked into the preview"
    link, token = DraftLink.create_for(story, editor)
    _, html = get(client, f"/draft/{token}/")
    assert "Harbour secret: draft headline" in html and "A draft standfirst." in html

    _, html = get(client, story.url)  # readers: the live version, and no draft stored for them
    assert "Secret of the harbour" in html and "draft headline" not in html and "A draft standfirst." not in html


def test_a_site_settings_or_author_change_purges_every_page(client, section, author, newsroom):
    urls = surfaces(newsroom, section, author)
    prime(client, urls.values())
    author.name = "Amara Okafor-Mensah"
    author.save()
    for name, url in urls.items():
        assert get(client, url)[0]["X-Cache"] == "MISS", name


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_rendered_from_the_old_state_while_the_change_commits_is_dropped(home, section, author,
                                                                               make_article):
    # The race the second, after-commit purge is for: another process renders the home page after
    # the first purge but before the unpublish commits — from the old state, under the new versions.
    story = make_article("Secret of the harbour")
    reader = Client()
    assert "Secret of the harbour" in get(reader, "/")[1]

    def render_elsewhere():
        try:
            get(Client(), "/")  # its own database connection: sees only what is committed
        finally:
            connection.close()

    with transaction.atomic():
        ArticlePage.objects.get(pk=story.pk).unpublish()
        other = threading.Thread(target=render_elsewhere)
        other.start()
        other.join()
        # That render stored the old page under the new versions: the race is real…
        response, html = get(Client(), "/")
        assert response["X-Cache"] == "HIT" and "Secret of the harbour" in html
    # …and the purge after commit drops it.
    response, html = get(reader, "/")
    assert "Secret of the harbour" not in html and response["X-Cache"] == "MISS"


# -- When the cache is down ---------------------------------------------------------------------

def test_with_redis_down_pages_serve_and_publishing_works_and_the_purge_is_retried(client, make_article):
    redis = TemporaryRedis().start()
    down_caches = all_caches(redis.url, settings.CACHE_KEY_PREFIX, settings.CACHE_DIR)
    try:
        with override_settings(CACHES=down_caches,
                               TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            story = make_article("Harbour reopens")
            get(client, "/")
            assert get(client, "/")[0]["X-Cache"] == "HIT"
            redis.stop()
            started = time.monotonic()
            response, html = get(client, "/")
            assert response.status_code == 200 and "Harbour reopens" in html and "X-Cache" not in response
            assert time.monotonic() - started < 2
            story.unpublish()  # purging fails: publishing must not
            assert not ArticlePage.objects.get(pk=story.pk).live
            from django_tasks_db.models import DBTaskResult
            assert DBTaskResult.objects.filter(task_path="pagecache.tasks.retry_purge", status="READY").exists()
    finally:
        redis.stop()
        for alias in down_caches:
            caches[alias].close()


def test_a_missing_version_token_never_brings_back_an_old_entry(client, make_article):
    # Redis may evict a version token under memory pressure; the page stored before the purge
    # must not come back under a default token.
    make_article("Harbour reopens")
    get(client, "/")
    store.purge_paths(["/"])
    store.cache().delete(store.path_version_key("/"))
    assert get(client, "/")[0]["X-Cache"] == "MISS"


def test_a_check_warns_when_cached_pages_would_outlive_signed_media_urls(settings):
    from pagecache.checks import cached_pages_outlive_signed_media_urls

    settings.AWS_STORAGE_BUCKET_NAME, settings.AWS_QUERYSTRING_AUTH = "newsroom-media", True
    settings.AWS_QUERYSTRING_EXPIRE = 3600
    assert cached_pages_outlive_signed_media_urls(None) == []  # 600 s pages, 120 + 60 s at the edge
    settings.PAGE_CACHE_SECONDS = 7200
    assert [w.id for w in cached_pages_outlive_signed_media_urls(None)] == ["pagecache.W001"]
    settings.AWS_QUERYSTRING_AUTH = False  # a CDN domain: unsigned URLs never expire
    assert cached_pages_outlive_signed_media_urls(None) == []


def test_no_copy_a_cdn_keeps_fresh_or_stale_outlives_the_next_expiry(client, make_article):
    make_article("Harbour reopens")
    story = make_article("Ferry timetable for the holiday", expire_at=timezone.now() + timedelta(seconds=100))

    def directives(response):
        return {name: int(value) for name, _, value in
                (d.strip().partition("=") for d in response["Cache-Control"].split(",")) if value}

    first, html = get(client, "/")
    assert first["X-Cache"] == "MISS" and story.title in html
    time.sleep(1.1)
    second, _ = get(client, "/")
    assert second["X-Cache"] == "HIT"
    for response, left in ((first, 100), (second, 99)):
        kept = directives(response)
        assert kept["max-age"] <= left and kept["s-maxage"] <= left
        # Fresh at the edge for s-maxage, then stale: together never past the expiry.
        assert kept["s-maxage"] + kept["stale-if-error"] <= left
        assert kept["s-maxage"] + kept["stale-while-revalidate"] <= left
    assert directives(first)["stale-if-error"] < 86400  # the setting, without an expiry ahead


@pytest.mark.parametrize("page_cache", ["on", "off"])
def test_a_corrected_headline_reaches_every_cached_page_that_shows_it(client, settings, make_article, page_cache):
    from search import index

    if page_cache == "off":
        settings.PAGE_CACHE_SECONDS = 0

    index.rebuild()
    ferries = ("Ferry crews on the Clyde and the Western Isles routes had planned a walkout over rosters, "
               "and ministers met the union in Glasgow before the ferry timetable was confirmed.")
    now = timezone.now()
    story = make_article("Ferry strike called off", body=ferries, published_date=now - timedelta(days=30))
    neighbour = make_article("Ferry union meets ministers", body=ferries, published_date=now - timedelta(days=20))
    for n in range(9):  # newer stories fill the ticker: the story is shown only where it is listed
        make_article(f"Council budget update {n}", published_date=now - timedelta(days=n))
    get(client, neighbour.url)
    cached, html = get(client, neighbour.url)
    assert "Ferry strike called off" in html  # in its Related Posts
    assert cached.get("X-Cache") == ("HIT" if page_cache == "on" else None)

    story = ArticlePage.objects.get(pk=story.pk)
    story.title = "Ferry strike suspended for a week"
    story.save_revision().publish()

    _, html = get(client, neighbour.url)
    assert "Ferry strike suspended for a week" in html and "Ferry strike called off" not in html
