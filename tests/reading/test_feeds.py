"""Feeds and discovery: RSS (site and section), sitemap.xml, the Google News sitemap, robots.txt.

None of them may show anything a reader could not open: every unpublished state is checked on
every surface, right after the state change (no scheduler run in between).
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from core.models import SiteSettings
from feeds.rss import ArticleFeed
from feeds.sitemaps import NewsSitemap
from news.models import Author
from news.publishing import create_article
from tests.helpers import make_section

pytestmark = pytest.mark.django_db

RSS_TYPE = "application/rss+xml; charset=utf-8"
XML_TYPE = "application/xml"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
DC = "{http://purl.org/dc/elements/1.1/}"
ATOM = "{http://www.w3.org/2005/Atom}"
ROOT = "http://localhost"  # the default Wagtail Site of the test database (localhost:80)


def fetch_xml(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == content_type
    return response, ET.fromstring(response.content)


def rss_items(root):
    return root.findall("./channel/item")


def rss_titles(root):
    return [item.findtext("title") for item in rss_items(root)]


def sitemap_entries(root):
    """{loc: lastmod} of a sitemap."""
    return {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url")}


def w3c(value):
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


# -- RSS ---------------------------------------------------------------------------------------------

def test_site_feed_lists_articles_newest_first_with_full_items(client, section, author, make_article):
    europe = make_section(section, "Europe")
    second = Author.objects.create(name="Jonas Fischer", slug="jonas-fischer")
    now = timezone.now().replace(microsecond=0)
    older = make_article("Older story", standfirst="Rates & risks <explained>", tags=["economy", "banks"],
                         published_date=now - timedelta(hours=3))
    newest = create_article(europe, title="Newest story", standfirst="First.", authors=[author, second],
                            tags=["floods"], published_date=now - timedelta(hours=1))
    middle = make_article("Middle story", standfirst="Second.", published_date=now - timedelta(hours=2))

    response, root = fetch_xml(client, "/feed/", RSS_TYPE)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == "Newsroom"
    assert channel.findtext("link") == f"{ROOT}/"
    assert channel.findtext("description")
    assert channel.find(f"{ATOM}link").get("href") == f"{ROOT}/feed/"
    assert response.has_header("Last-Modified")

    items = rss_items(root)
    expected = [newest, middle, older]
    assert [i.findtext("title") for i in items] == [a.title for a in expected]
    for item, article in zip(items, expected, strict=True):
        assert item.findtext("link") == article.get_full_url() and item.findtext("link").startswith(f"{ROOT}/")
        assert parsedate_to_datetime(item.findtext("pubDate")) == article.published_date
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false" and guid.text.endswith(f":article:{article.pk}")
    first, _, last = items
    assert first.findtext("description") == "First."
    # The standfirst is plain text; <description> carries HTML, so it arrives HTML-escaped once.
    assert last.findtext("description") == "Rates &amp; risks &lt;explained&gt;"
    assert first.findtext(f"{DC}creator") == "Amara Okafor, Jonas Fischer"
    assert [c.text for c in first.findall("category")] == ["Europe", "floods"]
    assert [c.text for c in last.findall("category")] == ["World", "banks", "economy"]


def test_site_feed_keeps_only_the_newest(client, make_article, monkeypatch):
    assert ArticleFeed.max_items == 50
    monkeypatch.setattr(ArticleFeed, "max_items", 3)
    now = timezone.now()
    for hours in range(4):
        make_article(f"Story {hours}", published_date=now - timedelta(hours=hours))
    _, root = fetch_xml(client, "/feed/", RSS_TYPE)
    assert rss_titles(root) == ["Story 0", "Story 1", "Story 2"]


def test_section_feed_covers_only_that_sections_subtree(client, home, section, make_article):
    europe = make_section(section, "Europe")
    sports = make_section(home, "Sports")
    now = timezone.now()
    make_article("World story", published_date=now - timedelta(hours=2))
    make_article("Europe story", parent=europe, published_date=now - timedelta(hours=1))
    make_article("Sports story", parent=sports, published_date=now)

    _, root = fetch_xml(client, section.url + "feed/", RSS_TYPE)
    assert rss_titles(root) == ["Europe story", "World story"]
    channel = root.find("channel")
    assert channel.findtext("title") == "World | Newsroom"
    assert channel.findtext("link") == section.get_full_url() == f"{ROOT}/world/"
    assert channel.find(f"{ATOM}link").get("href") == f"{ROOT}/world/feed/"
    assert all(link.startswith(f"{ROOT}/world/") for link in (i.findtext("link") for i in rss_items(root)))

    assert rss_titles(fetch_xml(client, europe.url + "feed/", RSS_TYPE)[1]) == ["Europe story"]
    assert rss_titles(fetch_xml(client, sports.url + "feed/", RSS_TYPE)[1]) == ["Sports story"]

    # A section's unpublished rename stays out of its feed.
    section.title = "World (draft rename)"
    section.save_revision()
    response, root = fetch_xml(client, "/world/feed/", RSS_TYPE)
    assert root.find("channel").findtext("title") == "World | Newsroom"
    assert b"draft rename" not in response.content


def test_feed_of_an_unknown_or_unpublished_section_is_404(client, home, section, make_article):
    make_article("Some article")
    closed = make_section(home, "Closed")
    closed.unpublish()
    for path in ["/nowhere/feed/", "/world/nowhere/feed/", "/world/some-article/feed/", "/closed/feed/",
                 "/world/feed/extra/"]:
        assert client.get(path).status_code == 404, path


def test_feed_of_a_private_section_is_not_served(client, section, make_article):
    secret = make_section(section, "Secret")
    make_article("Behind the password", parent=secret)
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.PASSWORD, password="x")
    response = client.get("/world/secret/feed/")
    assert response["Content-Type"] != RSS_TYPE  # Wagtail's password form, not the feed
    assert b"Behind the password" not in response.content


# -- sitemap.xml -------------------------------------------------------------------------------------

def test_sitemap_lists_pages_authors_and_tags_with_lastmod(client, home, section, make_article):
    europe = make_section(section, "Europe")
    now = timezone.now().replace(microsecond=0)
    # New tags get ASCII slugs (TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING): "Café society" → cafe-society.
    archived = make_article("Archived story", tags=["climate", "Café society"],
                            published_date=now - timedelta(days=3), updated_date=now - timedelta(days=1))
    response, root = fetch_xml(client, "/sitemap.xml", XML_TYPE)
    entries = sitemap_entries(root)
    assert set(entries) == {
        f"{ROOT}/", f"{ROOT}/world/", f"{ROOT}/world/europe/", archived.get_full_url(),
        f"{ROOT}/authors/amara-okafor/", f"{ROOT}/tags/climate/", f"{ROOT}/tags/cafe-society/",
    }
    assert all(entries.values()), entries  # every entry has a lastmod
    # An article's lastmod is its "updated" date when later than its last publication.
    assert entries[archived.get_full_url()] == w3c(archived.updated_date)
    assert entries[f"{ROOT}/authors/amara-okafor/"] == w3c(archived.updated_date)
    assert entries[f"{ROOT}/tags/climate/"] == w3c(archived.updated_date)
    # Listing pages change when an article beneath them does.
    assert entries[f"{ROOT}/"] >= w3c(archived.updated_date)
    assert entries[f"{ROOT}/world/europe/"] == w3c(europe.last_published_at)
    assert response.has_header("Last-Modified")


# -- Google News sitemap -----------------------------------------------------------------------------

def test_news_sitemap_lists_articles_of_the_last_48_hours(client, make_article):
    now = timezone.now().replace(microsecond=0)
    fresh = make_article("Fresh story", published_date=now - timedelta(hours=1))
    day_old = make_article("Nearly two days old", published_date=now - timedelta(hours=47))
    make_article("Just over two days old", published_date=now - timedelta(hours=49))
    make_article("Old but updated", published_date=now - timedelta(days=10), updated_date=now)

    response, root = fetch_xml(client, "/news-sitemap.xml", XML_TYPE)
    assert root.tag == f"{SM}urlset"
    assert b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' in response.content
    urls = root.findall(f"{SM}url")
    assert [u.findtext(f"{SM}loc") for u in urls] == [fresh.get_full_url(), day_old.get_full_url()]
    for url, article in zip(urls, [fresh, day_old], strict=True):
        news = url.find(f"{NEWS}news")
        assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Newsroom"
        assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
        assert news.findtext(f"{NEWS}publication_date") == w3c(article.published_date)
        assert news.findtext(f"{NEWS}title") == article.title


def test_news_sitemap_uses_the_site_settings_name_and_caps_entries(client, make_article, monkeypatch):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.site_name = "The Daily Planet"
    settings.save()
    assert NewsSitemap.limit == 1000
    monkeypatch.setattr(NewsSitemap, "limit", 2)
    now = timezone.now()
    for minutes in range(3):
        make_article(f"Story {minutes}", published_date=now - timedelta(minutes=minutes))
    _, root = fetch_xml(client, "/news-sitemap.xml", XML_TYPE)
    assert [t.text for t in root.iter(f"{NEWS}title")] == ["Story 0", "Story 1"]
    assert {n.text for n in root.iter(f"{NEWS}name")} == {"The Daily Planet"}


# -- robots.txt --------------------------------------------------------------------------------------

def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert [line for line in lines if line.startswith("Disallow:")] == [
        "Disallow: /admin/", "Disallow: /django-admin/", "Disallow: /search/", "Disallow: /api/"]
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        f"Sitemap: {ROOT}/sitemap.xml", f"Sitemap: {ROOT}/news-sitemap.xml"]


# -- nothing unpublished leaks ---------------------------------------------------------------------
# Everything that must stay hidden carries the marker "qx7" (title, slug, tag, author); everything
# readers may see does not. A control article proves each surface does list live articles.

MARKER = "qx7"


@dataclass
class State:
    still_visible: list[str] = field(default_factory=list)  # live titles that must still be shown


def hidden_article(section, name, *, publish=True, **fields):
    author = Author.objects.create(name=f"Qx7 Author {name}", slug=f"{MARKER}-author-{name}")
    return create_article(section, title=f"Qx7 {name} headline", slug=f"{MARKER}-{name}",
                          standfirst=f"Qx7 {name} standfirst", authors=[author], tags=[f"{MARKER}-{name}"],
                          publish=publish, **fields)


def restrict(page, restriction_type, **fields):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=restriction_type, **fields)
    if restriction_type == PageViewRestriction.GROUPS:
        restriction.groups.set([Group.objects.create(name="Qx7 staff")])


def make_draft(section, author):
    hidden_article(section, "draft", publish=False)


def make_unpublished(section, author):
    hidden_article(section, "unpublished").unpublish()


def make_scheduled(section, author):
    article = hidden_article(section, "scheduled", publish=False)
    article.go_live_at = timezone.now() + timedelta(days=7)
    article.save_revision().publish()  # with a future go-live time this schedules, it does not publish


def make_expired(section, author):
    """Expired and unpublished by the scheduler, as the demo content does it."""
    article = hidden_article(section, "expired")
    article.expire_at = timezone.now() - timedelta(days=1)
    article.save_revision().publish()
    article.refresh_from_db()
    article.unpublish(set_expired=True)


def make_expiry_passed(section, author):
    """Past its expiry time, but the scheduler has not run yet: Wagtail still has it live."""
    article = hidden_article(section, "expiring")
    article.expire_at = timezone.now() - timedelta(seconds=1)
    article.save_revision().publish()


def make_private_password(section, author):
    restrict(hidden_article(section, "password"), PageViewRestriction.PASSWORD, password="secret")


def make_private_login(section, author):
    restrict(hidden_article(section, "login"), PageViewRestriction.LOGIN)


def make_private_groups(section, author):
    restrict(hidden_article(section, "groups"), PageViewRestriction.GROUPS)


def make_private_section(section, author):
    desk = make_section(section, "Qx7 desk")
    hidden_article(desk, "in-private-section")
    restrict(desk, PageViewRestriction.LOGIN)


def _live_with_draft(section, author, name):
    article = create_article(section, title=f"Live {name} headline", standfirst="The live standfirst.",
                             authors=[author], tags=["live-tag"])
    article.title = f"Qx7 {name} draft headline"
    article.slug = f"{MARKER}-{name}-draft-slug"
    article.standfirst = f"Qx7 {name} draft standfirst"
    article.tags.add(f"{MARKER}-{name}-draft-tag")
    return article


def make_live_with_unpublished_changes(section, author):
    _live_with_draft(section, author, "changes").save_revision()
    return State(still_visible=["Live changes headline"])


def make_live_with_scheduled_changes(section, author):
    article = _live_with_draft(section, author, "scheduled-changes")
    article.go_live_at = timezone.now() + timedelta(days=1)
    article.save_revision().publish()
    return State(still_visible=["Live scheduled-changes headline"])


STATES = {
    "draft": make_draft,
    "unpublished": make_unpublished,
    "scheduled": make_scheduled,
    "expired": make_expired,
    "expiry_passed_scheduler_not_run": make_expiry_passed,
    "private_password": make_private_password,
    "private_login": make_private_login,
    "private_groups": make_private_groups,
    "private_section": make_private_section,
    "live_with_unpublished_changes": make_live_with_unpublished_changes,
    "live_with_scheduled_changes": make_live_with_scheduled_changes,
}

SURFACES = {
    "site_rss": (lambda section: "/feed/", RSS_TYPE),
    "section_rss": (lambda section: section.url + "feed/", RSS_TYPE),
    "sitemap": (lambda section: "/sitemap.xml", XML_TYPE),
    "news_sitemap": (lambda section: "/news-sitemap.xml", XML_TYPE),
}


def shown_titles_or_urls(surface, root):
    if surface.endswith("rss"):
        return rss_titles(root)
    if surface == "news_sitemap":
        return [t.text for t in root.iter(f"{NEWS}title")]
    return list(sitemap_entries(root))


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("state", STATES)
def test_nothing_unpublished_leaks(client, section, author, make_article, state, surface):
    control = make_article("Control story")
    result = STATES[state](section, author) or State()

    url, content_type = SURFACES[surface]
    response, root = fetch_xml(client, url(section), content_type)
    body = response.content.decode()
    assert MARKER not in body.lower(), f"{state} leaks into {surface}"

    shown = shown_titles_or_urls(surface, root)
    expected = [control.title, *result.still_visible] if surface != "sitemap" else [control.get_full_url()]
    assert set(expected) <= set(shown), shown


# -- cost --------------------------------------------------------------------------------------------

def test_query_count_does_not_grow_with_articles(client, home, section, author, django_assert_max_num_queries,
                                                 rendered_every_time):
    """Bylines, tags and sections are fetched once per list, not once per article (no N+1)."""
    parents = [section, make_section(section, "Europe"), make_section(home, "Sports")]
    authors = [author, *(Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}") for n in range(2))]
    now = timezone.now()

    def add_articles(first, last):
        for n in range(first, last):
            create_article(parents[n % 3], title=f"Story {n}", authors=[authors[n % 3], authors[(n + 1) % 3]],
                           tags=[f"topic-{n}", "common"], published_date=now - timedelta(minutes=n))

    urls = ["/feed/", "/world/feed/", "/sitemap.xml", "/news-sitemap.xml"]
    add_articles(0, 5)
    for url in urls:
        client.get(url)  # first use fills caches (site root paths, site settings row)
    with_5 = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        with_5[url] = len(queries)
    assert with_5["/feed/"] <= 8, with_5

    add_articles(5, 30)
    for url in urls:
        client.get(url)  # publishing purged the site: the first use fills this process's copies again
    with django_assert_max_num_queries(with_5["/feed/"]):
        _, root = fetch_xml(client, "/feed/", RSS_TYPE)
    assert len(rss_items(root)) == 30
    for url in urls[1:]:
        with django_assert_max_num_queries(with_5[url]):
            assert client.get(url).status_code == 200


# -- content no feed can carry -------------------------------------------------------------------------

CONTROL = "\x00\x0b\x0c\x1b\x7f\x85"


def test_control_characters_are_dropped_when_an_article_is_saved(client, make_article):
    article = make_article(f"Flood{CONTROL} defences hold", standfirst="Rivers\x0b peaked\x00 overnight.",
                           lead_image_caption="The\x0c Severn")
    article.refresh_from_db()
    assert (article.title, article.standfirst, article.lead_image_caption) == (
        "Flood defences hold", "Rivers peaked overnight.", "The Severn")
    assert article.get_latest_revision_as_object().title == "Flood defences hold"
    _, root = fetch_xml(client, "/feed/", RSS_TYPE)
    assert "Flood defences hold" in rss_titles(root)


def test_feeds_never_fail_on_control_characters_stored_before(client, make_article, author):
    article = make_article("Storm warning", standfirst="Gusts of 80mph.", published_date=timezone.now(),
                           tags=["weather\x0b"])
    # As a row written before they were dropped on save (PostgreSQL refuses NUL itself).
    type(article).objects.filter(pk=article.pk).update(title="Storm\x0b warning\x1b", standfirst="Gusts\x0c of 80mph.")
    Author.objects.filter(pk=author.pk).update(name=f"{author.name}\x08")

    _, root = fetch_xml(client, "/feed/", RSS_TYPE)
    item = rss_items(root)[0]
    assert item.findtext("title") == "Storm warning"
    assert item.findtext("description") == "Gusts of 80mph."
    assert "weather" in [c.text for c in item.findall("category")]
    _, root = fetch_xml(client, f"{article.get_parent().url}feed/", RSS_TYPE)
    assert rss_titles(root) == ["Storm warning"]
    _, root = fetch_xml(client, "/news-sitemap.xml", XML_TYPE)
    assert root.find(f"{SM}url/{NEWS}news").findtext(f"{NEWS}title") == "Storm warning"
