"""The parts of every page around the content: the sidebar (Editors' Picks, Latest Posts, Top
Trending), a front page that shows each story once, Related Posts, the header's Subscribe button, the
footer's legal links, the favicon, and Top Trending fresh on pages from the cache."""

import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from core.models import SiteSettings
from home.models import EDITORS_PICKS_SIZE, LATEST_SIZE, HomePageEditorsPick, HomePageHotItem
from search import index
from tests.helpers import REPO, make_section
from trending.counting import record_view
from trending.models import ArticleDailyViews

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(make_article):
    now = timezone.now()
    return [make_article(f"Story {n:02d}", published_date=now - timedelta(hours=n)) for n in range(1, 25)]


def region(html, heading):
    """The HTML of the <section> whose heading is `heading` (the first one)."""
    match = re.search(rf'<section[^>]*aria-labelledby="([^"]+)"[^>]*>(?:(?!<section).)*?<h2 id="\1"[^>]*>'
                      rf'(?:<a[^>]*>)?{re.escape(heading)}.*?</section>', html, re.S)
    assert match, f"no {heading!r} block"
    return match.group(0)


def titles(html):
    return re.findall(r"Story \d\d", html)


def test_the_front_page_shows_each_story_once_above_the_fold(client, home, stories):
    # An editor picked the lead story, and put the lead and a pick in the ticker.
    HomePageEditorsPick.objects.create(page=home, article=stories[0], sort_order=0)
    HomePageEditorsPick.objects.create(page=home, article=stories[5], sort_order=1)
    HomePageHotItem.objects.create(page=home, article=stories[0], sort_order=0)
    HomePageHotItem.objects.create(page=home, article=stories[5], sort_order=1)
    HomePageHotItem.objects.create(page=home, article=stories[20], sort_order=2)
    html = client.get("/").content.decode()

    lead = titles(region(html, "Top story"))
    picks = titles(region(html, "Editors' Picks"))
    latest = titles(region(html, "Latest Posts"))
    ticker = titles(region(html, "What's Hot"))
    assert lead == ["Story 01"]
    # The pick that is the lead gives its place to the next latest story; the other pick stays first.
    assert picks == ["Story 06", "Story 02", "Story 03", "Story 04"]
    assert latest == ["Story 05", "Story 07", "Story 08", "Story 09", "Story 10", "Story 11"]
    assert ticker[0] == "Story 21"  # the editors' choice not shown higher up
    shown = lead + picks + latest + ticker
    assert len(shown) == len(set(shown)) == 1 + EDITORS_PICKS_SIZE + LATEST_SIZE + len(ticker)
    # The section blocks below do not repeat them either.
    blocks = titles(html.split('class="home-section"', 1)[1])
    assert blocks and not set(blocks) & set(shown)

    # Elsewhere the ticker is the editors' choice as it stands, the lead included.
    article_html = client.get(stories[10].url).content.decode()
    assert titles(region(article_html, "What's Hot"))[:3] == ["Story 01", "Story 06", "Story 21"]


@pytest.mark.parametrize("page", ["article", "section", "author", "tag", "search", "no results"])
def test_the_sidebar_is_beside_articles_listings_and_search(client, home, section, stories, author, page):
    stories[3].tags.add("harbour")
    stories[3].save_revision().publish()
    ArticleDailyViews.objects.create(article=stories[7], day=timezone.localdate(), views=40)
    if page in ("search", "no results"):
        index.rebuild()
    address = {"article": stories[3].url, "section": section.url, "author": author.get_absolute_url(),
               "tag": "/tags/harbour/", "search": "/search/?q=story", "no results": "/search/?q=zzqqxx"}[page]
    response = client.get(address)
    assert response.status_code == 200
    html = response.content.decode()
    sidebar = html[html.index('<aside class="sidebar"'):]
    assert titles(region(sidebar, "Editors' Picks")) == ["Story 02", "Story 03", "Story 04", "Story 05"]
    assert titles(region(sidebar, "Latest Posts")) == ["Story 01", "Story 02", "Story 03", "Story 04", "Story 05"]
    assert titles(region(sidebar, "Top Trending")) == ["Story 08"]
    if page == "no results":
        # Something to read instead, and no filters that would all say (0).
        assert "No articles match" in html and "search-filters" not in html and "(0)" not in html


def test_the_sidebar_shows_nothing_readers_may_not_see(client, home, section, stories):
    stories[0].unpublish()
    PageViewRestriction.objects.create(page=stories[1], restriction_type=PageViewRestriction.LOGIN)
    stories[2].expire_at = timezone.now() - timedelta(minutes=1)
    stories[2].save(update_fields=["expire_at"])
    for story in stories[:3]:
        ArticleDailyViews.objects.create(article=story, day=timezone.localdate(), views=99)
    HomePageEditorsPick.objects.create(page=home, article=stories[1], sort_order=0)
    html = client.get(section.url).content.decode()
    sidebar = html[html.index('<aside class="sidebar"'):]
    hidden = {"Story 01", "Story 02", "Story 03"}
    assert not hidden & set(titles(sidebar))
    assert titles(region(sidebar, "Latest Posts"))[0] == "Story 04"
    assert "Nothing trending yet." in region(sidebar, "Top Trending")


def test_six_related_posts_below_the_article(client, make_article, section):
    index.rebuild()
    others = [make_article(f"Harbour crane collapse inquiry, part {n}", body="The harbour crane collapsed.")
              for n in range(8)]
    article = make_article("Harbour crane collapse: the inquiry opens", body="The harbour crane collapsed.")
    html = client.get(article.url).content.decode()
    main = html[html.index('<div class="article-main">'):html.index('<aside class="sidebar"')]
    related = main[main.index('id="related-heading"'):]
    assert main.index("</article>") < main.index('id="related-heading"'), "below the article"
    linked = set(re.findall(r'href="([^"]+)"', related))
    assert len({o.url for o in others} & linked) == 6 and article.url not in linked


def test_top_trending_is_fresh_on_a_page_from_the_cache(client, home, stories, settings):
    ArticleDailyViews.objects.create(article=stories[4], day=timezone.localdate(), views=3)
    first = client.get("/").content.decode()
    assert titles(region(first, "Top Trending")) == ["Story 05"]
    for _ in range(5):
        record_view(stories[9].pk)
    # The page may come from the page cache for minutes; the list it fetches is current.
    response = client.get("/api/trending/")
    assert response.status_code == 200
    assert titles(response.content.decode()) == ["Story 10", "Story 05"]
    assert "max-age=60" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert 'data-trending="/api/trending/"' in first  # where site.js fetches it from


def test_header_subscribe_button_favicon_and_legal_links(client, home):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.privacy_url = "/about/privacy/"
    settings.terms_url = "https://example.org/terms"
    settings.full_clean()
    settings.save()
    html = client.get("/").content.decode()
    assert re.search(r'<a class="subscribe-button" href="#newsletter">Subscribe</a>', html)
    assert 'id="newsletter"' in html
    footer = html[html.index('<footer class="site-footer">'):]
    assert '<a href="/about/privacy/">Privacy policy</a>' in footer
    assert '<a href="https://example.org/terms">Terms of use</a>' in footer
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html).group(1)
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"] == icon
    assert (REPO / "static" / "favicon.svg").read_text().startswith("<svg")


@pytest.mark.parametrize("address", ["javascript:alert(1)", "/about privacy/", "//evil.example/", "ftp://x.org/"])
def test_legal_links_must_be_addresses(home, address):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.privacy_url = address
    with pytest.raises(ValidationError):
        settings.full_clean()


def test_make_run_shows_the_sites_own_error_pages_unless_debug_is_asked_for():
    def debug(**env):
        code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='newsroom.settings.dev'; " \
               "from django.conf import settings; print(settings.DEBUG)"
        environment = {k: v for k, v in __import__("os").environ.items() if k != "DEBUG"} | env
        return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=environment, capture_output=True,
                              text=True, check=True).stdout.strip()

    assert debug() == "False"
    assert debug(DEBUG="1") == "True"


def test_a_new_section_block_article_does_not_repeat_the_top(client, home, stories):
    sports = make_section(home, "Sports")
    from news.publishing import create_article

    create_article(sports, title="Story 99 from the stadium", body=[], authors=[], publish=True,
                   published_date=timezone.now() - timedelta(days=30))
    html = client.get("/").content.decode()
    block = html[html.index('id="section-heading-' + str(sports.pk) + '"'):]
    assert "Story 99 from the stadium" in block
