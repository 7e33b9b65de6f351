"""The Wagtail Site is the address links are made from: `manage.py set_site_address` (which
`make run` and `make serve` call with their own address) points every absolute link there —
canonical and Open Graph URLs, share links, RSS, sitemaps, robots.txt."""

import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

pytestmark = pytest.mark.django_db
SERVED = "http://127.0.0.1:8000"


def get(client, path):
    response = client.get(path, HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200, path
    return response.content.decode()


def test_links_point_to_the_address_the_site_is_served_at(client, make_article):
    article = make_article("Tram line opens")
    assert "http://localhost" in get(client, "/feed/")  # the first migration's localhost:80
    call_command("set_site_address", SERVED, stdout=io.StringIO())
    assert Site.objects.get(is_default_site=True).root_url == SERVED

    page = get(client, article.url)
    assert f'<link rel="canonical" href="{SERVED}{article.url}">' in page
    assert f'property="og:url" content="{SERVED}{article.url}"' in page
    for path in ("/feed/", "/sitemap.xml", "/news-sitemap.xml", "/robots.txt", article.url):
        text = get(client, path)
        assert "localhost" not in text, path
        assert SERVED in text, path


def test_https_on_443_and_bad_addresses_are_refused(client):
    call_command("set_site_address", "https://news.example.com", stdout=io.StringIO())
    assert Site.objects.get(is_default_site=True).root_url == "https://news.example.com"
    for bad in ("ftp://news.example.com", "news.example.com", "https://news.example.com:8443", "http://x:99999"):
        with pytest.raises(CommandError):
            call_command("set_site_address", bad, stdout=io.StringIO())


def test_a_second_site_and_a_change_of_site_are_served_at_once(client, settings, home, make_article):
    """Each process keeps which Site answers which host (core/sites.py) until a whole-site purge:
    adding a Site, or pointing one at another home page, is seen on the very next request."""
    from home.models import HomePage

    settings.ALLOWED_HOSTS = ["*"]
    settings.PAGE_CACHE_SECONDS = 0
    make_article("Harbour reopens")
    assert "Harbour reopens" in client.get("/", HTTP_HOST="sport.example.com").content.decode()  # default site
    root = home.get_parent()
    sport_home = root.add_child(instance=HomePage(title="Sport Daily", slug="sport-daily"))
    sport_home.save_revision().publish()
    site = Site.objects.create(hostname="sport.example.com", port=80, root_page=sport_home, site_name="Sport Daily")
    html = client.get("/", HTTP_HOST="sport.example.com").content.decode()
    assert "Sport Daily" in html and "Harbour reopens" not in html
    site.root_page = home
    site.save()
    assert "Harbour reopens" in client.get("/", HTTP_HOST="sport.example.com").content.decode()
