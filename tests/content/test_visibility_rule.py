"""One visibility rule (core.visibility, ArticlePage.objects.visible(): live, not private, in its
publication window) for the surfaces that are not search: the Related links block an editor fills
in, and author pages, which like tag pages exist only while the author has an article readers may
see."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.models import Author
from news.publishing import create_article

pytestmark = pytest.mark.django_db


def related_links(*links):
    return {"type": "related_links", "value": {"heading": "Read more", "links": [
        {"page": page.pk if page else None, "url": url, "title": ""} for page, url in links]}}


def test_the_related_links_block_shows_only_articles_readers_may_see(client, make_article):
    public = make_article("Harbour wall repaired")
    private = make_article("Council's private flood plan")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    expired = make_article("Road closure notice", expire_at=timezone.now() - timedelta(minutes=1))
    draft = make_article("Unfinished draft on the estuary", publish=False)
    fallback = make_article("Moved behind a password")
    PageViewRestriction.objects.create(page=fallback, restriction_type=PageViewRestriction.PASSWORD, password="x")
    article = make_article("Storm surge hits the estuary", body=[related_links(
        (public, ""), (private, ""), (expired, ""), (draft, ""), (fallback, "https://example.org/flood-map"),
        (None, "https://example.org/tide-tables"))])

    html = client.get(article.url).content.decode()
    assert "Harbour wall repaired" in html and f'href="{public.url}"' in html
    for hidden in (private, expired, draft, fallback):
        assert hidden.title not in html and f'href="{hidden.url}"' not in html, hidden.title
    # A chosen article readers may not see gives way to the outside link given beside it.
    assert 'href="https://example.org/flood-map"' in html and 'href="https://example.org/tide-tables"' in html


def test_author_pages_exist_only_while_the_author_has_an_article_readers_may_see(client, section):
    author = Author.objects.create(name="Ines Moreau", slug="ines-moreau")
    draft = create_article(section, title="Draft by Moreau", authors=[author], publish=False)
    assert client.get("/authors/ines-moreau/").status_code == 404  # only a draft

    private = create_article(section, title="Private piece by Moreau", authors=[author])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/authors/ines-moreau/")
    assert response.status_code == 404 and "Ines Moreau" not in response.content.decode()

    draft.save_revision().publish()
    response = client.get("/authors/ines-moreau/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft by Moreau" in html and "Private piece by Moreau" not in html

    draft.refresh_from_db()
    draft.unpublish()
    assert client.get("/authors/ines-moreau/").status_code == 404
