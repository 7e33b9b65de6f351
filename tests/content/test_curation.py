"""Home page curation and site settings: editors choose, readers never see unpublished work."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from core.models import SiteSettings
from home.models import HomePageEditorsPick, HomePageHotItem, NavigationItem, navigation_sections
from tests.helpers import make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(make_article):
    now = timezone.now()
    return [make_article(f"Story {n}", published_date=now - timedelta(hours=n)) for n in range(1, 7)]


def test_editors_picks_follow_the_editors_order(home, articles):
    for order, article in enumerate([articles[4], articles[1]]):
        HomePageEditorsPick.objects.create(page=home, article=article, sort_order=order)
    picks = home.editors_picks_articles()
    assert [a.title for a in picks[:2]] == ["Story 5", "Story 2"]
    # Empty slots are topped up with the latest articles, without repeating a pick or the lead story
    # (Story 1, the newest, is the front page's lead).
    assert [a.title for a in picks[2:]] == ["Story 3", "Story 4"]


def test_editors_picks_fall_back_to_latest_when_none_chosen(home, articles):
    assert [a.title for a in home.editors_picks_articles()] == ["Story 2", "Story 3", "Story 4", "Story 5"]


def test_unpublished_or_private_picks_are_never_shown(home, articles):
    HomePageEditorsPick.objects.create(page=home, article=articles[5], sort_order=0)
    HomePageEditorsPick.objects.create(page=home, article=articles[4], sort_order=1)
    articles[5].unpublish()
    PageViewRestriction.objects.create(page=articles[4], restriction_type=PageViewRestriction.LOGIN)
    titles = [a.title for a in home.editors_picks_articles()]
    assert "Story 6" not in titles and "Story 5" not in titles
    # Topped up from what is left; the lead (Story 1) is not repeated, so three of six stories fill it.
    assert titles == ["Story 2", "Story 3", "Story 4"]


def test_whats_hot_prefers_curated_then_breaking(home, articles, make_article):
    breaking = make_article("Breaking: dam bursts", breaking=True,
                            published_date=timezone.now() - timedelta(days=3))
    HomePageHotItem.objects.create(page=home, article=articles[3], sort_order=0)
    hot = [a.title for a in home.whats_hot()]
    assert hot[0] == "Story 4"
    assert hot[1] == breaking.title
    assert hot[2:] == ["Story 1", "Story 2", "Story 3", "Story 5", "Story 6"]


def test_home_page_shows_the_blocks(client, home, articles, make_article):
    # Enough stories for the ticker too: on the front page it shows none of the lead, picks and latest.
    for n in range(7, 15):
        make_article(f"Story {n}", published_date=timezone.now() - timedelta(hours=n))
    html = client.get(home.url).content.decode()
    for heading in ("What's Hot", "Editors' Picks", "Latest"):
        assert heading in html
    assert "Story 1" in html


def test_navigation_follows_site_settings_order_and_hides_unpublished(home, section):
    politics, sports = make_section(home, "Politics"), make_section(home, "Sports")
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    # No choice made: every live top-level section, in tree order.
    assert [s.title for s in navigation_sections(settings)] == ["World", "Politics", "Sports"]
    for order, item in enumerate([sports, section, politics]):
        NavigationItem.objects.create(settings=settings, section=item, sort_order=order)
    settings = SiteSettings.objects.get(pk=settings.pk)
    assert [s.title for s in navigation_sections(settings)] == ["Sports", "World", "Politics"]
    politics.unpublish()
    settings = SiteSettings.objects.get(pk=settings.pk)
    assert [s.title for s in navigation_sections(settings)] == ["Sports", "World"]


def test_site_settings_have_defaults_and_social_links():
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    assert settings.site_name == "Newsroom"
    settings.x_url = "https://x.com/newsroom"
    assert settings.social_links == [("X", "https://x.com/newsroom")]


def test_editors_edit_site_settings_in_the_admin(editor_client, reporter_client, home):
    """The Editors' permission on Site settings (granted by a migration) follows the model to core."""
    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["core", "sitesettings", site.pk])
    response = editor_client.get(url)
    assert response.status_code == 200 and b"Section navigation" in response.content
    assert reporter_client.get(url).status_code in (302, 403)
