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
