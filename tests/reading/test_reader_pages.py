"""The reader's pages: what they show, what they never show, and that they stay cheap."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from home.models import HomePageEditorsPick, HomePageHotItem
from news.models import ArticlePage
from tests.helpers import make_section
from trending.counting import record_view

pytestmark = pytest.mark.django_db


# -- What must never leak --------------------------------------------------------------------

def _draft(make_article):
    return make_article("Secret draft story", tags=["shared"], publish=False)


def _unpublished(make_article):
    article = make_article("Secret unpublished story", tags=["shared"])
    article.unpublish()
    return article


def _scheduled(make_article):
    article = make_article("Secret scheduled story", tags=["shared"], publish=False)
    article.go_live_at = timezone.now() + timedelta(days=1)
    article.save_revision().publish()
    return article


def _expired(make_article):
    article = make_article("Secret expired story", tags=["shared"])
    article.expire_at = timezone.now() + timedelta(days=1)
    article.save_revision().publish()
    article.refresh_from_db()
    article.unpublish(set_expired=True)
    return article


def _past_expiry_not_yet_unpublished(make_article):
    # The scheduler runs every 30 s: in that gap the page is still live but its time is up.
    article = make_article("Secret expiring story", tags=["shared"])
    ArticlePage.objects.filter(pk=article.pk).update(expire_at=timezone.now() - timedelta(seconds=5))
    return article


def _private_password(make_article):
    article = make_article("Secret password story", tags=["shared"])
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.PASSWORD, password="x")
    return article


def _private_login(make_article):
    article = make_article("Secret members story", tags=["shared"])
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    return article


def _pending_changes(make_article):
    article = make_article("Public headline", tags=["shared"])
    article.title = "Secret pending headline"
    article.save_revision()
    return article


STATES = {
    "draft": _draft, "unpublished": _unpublished, "scheduled": _scheduled, "expired": _expired,
    "past-expiry": _past_expiry_not_yet_unpublished, "private-password": _private_password,
    "private-login": _private_login, "pending-changes": _pending_changes,
}
SURFACES = ["home", "section", "author", "tag", "related", "ticker-and-picks", "trending"]


@pytest.fixture
def visible(make_article):
    """A live article sharing the section, author and tag, so every list has something to show."""
    return make_article("Visible story", tags=["shared"])


@pytest.mark.parametrize("surface", SURFACES)
def test_nothing_unpublished_private_or_expired_appears(client, home, section, author, visible, make_article,
                                                        surface):
    hidden = {state: make(make_article) for state, make in STATES.items()}
    for order, article in enumerate(hidden.values()):
        # Editors curated it and readers read it before its state changed: it must still not show.
        HomePageEditorsPick.objects.create(page=home, article_id=article.pk, sort_order=order)
        HomePageHotItem.objects.create(page=home, article_id=article.pk, sort_order=order)
        for _ in range(5):
            record_view(article.pk)
    record_view(visible.pk)

    url = {"home": "/", "section": section.url, "author": author.get_absolute_url(), "tag": "/tags/shared/",
           "related": visible.url, "ticker-and-picks": "/", "trending": "/"}[surface]
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Visible story" in html, "the surface shows live articles"
    leaked = [state for state, article in hidden.items()
              if "Secret" in article.get_latest_revision_as_object().title
              and article.get_latest_revision_as_object().title in html]
    assert leaked == [], f"{surface} shows {leaked}"
    assert "Secret" not in html


def test_a_tag_used_only_on_hidden_articles_has_no_page(client, make_article):
    make_article("Draft only", tags=["embargo"], publish=False)
    assert client.get("/tags/embargo/").status_code == 404


def test_an_article_past_its_expiry_is_not_served(client, make_article):
    article = _past_expiry_not_yet_unpublished(make_article)
    assert client.get(article.url).status_code == 404


# -- Cheap pages: the query count does not grow with the number of articles shown -----------

def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def newsroom(home, section, author, make_article):
    """Articles with images, tags and several authors, in two sections."""
    image = get_image_model().objects.create(title="Photo", file=get_test_image_file())
    other = make_section(home, "Sports")

    def add(count, start=0):
        for n in range(start, start + count):
            make_article(f"Story {n}", tags=[f"tag{n % 3}", "shared"], lead_image=image,
                         parent=section if n % 2 else other, breaking=n % 5 == 0)
    return add


@pytest.mark.parametrize("url_of", [
    lambda ctx: "/",
    lambda ctx: ctx["section"].url,
    lambda ctx: ctx["author"].get_absolute_url(),
    lambda ctx: "/tags/shared/",
    lambda ctx: ArticlePage.objects.live().order_by("pk").first().url,
], ids=["home", "section", "author", "tag", "article"])
def test_query_count_does_not_grow_with_articles_shown(client, newsroom, section, author, url_of, rendered_every_time):
    newsroom(4)
    ctx = {"section": section, "author": author}
    client.get(url_of(ctx))  # warm caches (site root paths, renditions created on first render)
    few = queries_for(client, url_of(ctx))
    newsroom(20, start=4)
    client.get(url_of(ctx))
    many = queries_for(client, url_of(ctx))
    assert many == few, f"{few} queries with 4 articles, {many} with 24"


# -- What readers and machines see -----------------------------------------------------------

def test_article_meta_open_graph_and_json_ld(client, make_article):
    image = get_image_model().objects.create(title="Photo", file=get_test_image_file(), description="A harbour")
    article = make_article("Harbour reopens after storm", standfirst="Boats are back.", lead_image=image,
                           tags=["storms"])
    html = client.get(article.url).content.decode()
    # Canonical URLs use the site's own host name (Wagtail's Site), whatever host the request came on.
    assert f'<link rel="canonical" href="{article.get_full_url()}">' in html
    assert '<meta name="description" content="Boats are back.">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Harbour reopens after storm">' in html
    assert re.search(r'<meta property="og:image" content="http://testserver/media/images/[^"]+\.jpg">', html)
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Harbour reopens after storm"
    assert data["author"][0]["name"] == "Amara Okafor"
    assert data["author"][0]["url"] == "http://testserver/authors/amara-okafor/"
    assert data["articleSection"] == "World"
    assert data["datePublished"].startswith(str(article.published_date.date()))
    assert data["image"][0].startswith("http://testserver/media/images/")


def test_json_ld_publisher_is_the_site_name_readers_see(client, home, make_article):
    from wagtail.models import Site

    from core.models import SiteSettings

    assert "| Newsroom</title>" in client.get("/").content.decode()  # read before the rename, and kept
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.site_name = "The Fenland Ledger"
    site_settings.save()
    html = client.get(make_article("Renamed paper's story").url).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert "| The Fenland Ledger</title>" in html
    assert data["publisher"] == {"@type": "Organization", "name": "The Fenland Ledger"}


def test_json_ld_cannot_break_out_of_its_script(client, make_article):
    article = make_article("Headline with </script><script>alert(1)</script>")
    html = client.get(article.url).content.decode()
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in ld and json.loads(ld)["headline"].startswith("Headline with </script>")


def test_article_shows_byline_dates_reading_time_share_links_and_author_box(client, make_article):
    article = make_article("Ferry strike ends", standfirst="Services resume.", tags=["transport"])
    article.updated_date = article.published_date + timedelta(hours=3)
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert 'By <a href="/authors/amara-okafor/" rel="author">Amara Okafor</a>' in html
    assert "Updated <time" in html and "1 min read" in html
    for network in ("twitter.com/intent/tweet", "facebook.com/sharer", "linkedin.com/sharing", "wa.me/",
                    "t.me/share", "mailto:?subject="):
        assert network in html
    assert "data-copy-link" in html
    assert 'class="author-box"' in html and "Africa correspondent" in html
    assert 'href="/tags/transport/" rel="tag"' in html


def test_article_images_have_srcset_webp_and_dimensions(client, make_article):
    image = get_image_model().objects.create(title="Photo", file=get_test_image_file())
    article = make_article("Pictures", lead_image=image)
    html = client.get(article.url).content.decode()
    lead = re.search(r'<figure class="lead-image">\s*(<img[^>]+>)', html).group(1)
    assert "srcset=" in lead and ".webp" in lead and 'width="' in lead and 'height="' in lead


def test_section_and_listing_pagination(client, section, make_article):
    for n in range(25):
        make_article(f"Paged story {n}", published_date=timezone.now() - timedelta(hours=n))
    first = client.get(section.url).content.decode()
    assert "Paged story 0" in first and "Paged story 24" not in first
    assert 'href="?page=2" rel="next"' in first
    second = client.get(section.url, {"page": 2}).content.decode()
    assert "Paged story 24" in second and 'rel="prev"' in second
    assert client.get(section.url, {"page": "999"}).status_code == 200  # the last page, not an error
    assert client.get(section.url, {"page": "junk"}).status_code == 200


def test_404_page_is_in_the_site_style(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'class="site-header"' in html and 'action="/search/"' in html


def test_500_page_renders_without_a_request_context():
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "Something went wrong" in html


def test_breaking_flag_and_curated_items_fill_the_ticker(client, home, make_article):
    ordinary = make_article("Ordinary story")
    breaking = make_article("Dam bursts upstream", breaking=True,
                            published_date=timezone.now() - timedelta(days=2))
    # Any page but the front page, whose ticker leaves out the stories its lead and picks show.
    html = client.get(ordinary.url).content.decode()
    ticker = html[html.index('class="ticker"'):html.index("</section>", html.index('class="ticker"'))]
    assert ticker.index(breaking.title) < ticker.index("Ordinary story")
