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


def test_visible_ids_answers_as_the_rule_does_with_its_sql_compiled_once(make_article, section,
                                                                          django_assert_num_queries):
    """Search results are checked with core.visibility.visible_ids(): the exact rule's SQL, compiled
    once per number of ids and run with the time and ids of each request."""
    from core import visibility
    from news.models import ArticlePage
    from tests.helpers import make_section

    public = make_article("Harbour wall repaired")
    private = make_article("Council's private flood plan")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    walled = make_section(section, "Members")
    below_private = make_article("Members' briefing", parent=walled)
    PageViewRestriction.objects.create(page=walled, restriction_type=PageViewRestriction.PASSWORD, password="x")
    expired = make_article("Road closure notice", expire_at=timezone.now() - timedelta(minutes=1))
    expiring = make_article("Ferry timetable", expire_at=timezone.now() + timedelta(minutes=1))
    draft = make_article("Unfinished draft on the estuary", publish=False)
    scheduled = make_article("Tomorrow's tide tables")
    ArticlePage.objects.filter(pk=scheduled.pk).update(go_live_at=timezone.now() + timedelta(hours=1))
    everything = [public, private, below_private, expired, expiring, draft, scheduled]
    ids = [article.pk for article in everything] + [section.pk]  # a section is not an article

    visibility._compiled.clear()
    expected = set(ArticlePage.objects.visible(exact=True).filter(pk__in=ids).values_list("pk", flat=True))
    assert expected == {public.pk, expiring.pk}
    assert visibility.visible_ids(ArticlePage, ids) == expected
    assert visibility._compiled[(ArticlePage, len(ids), "default")]  # compiled, not the fallback
    with django_assert_num_queries(1):  # the compiled SQL: no compiling, one query
        assert visibility.visible_ids(ArticlePage, ids) == expected

    # Each run uses its own time: an article whose expiry passes is gone at the next check.
    ArticlePage.objects.filter(pk=expiring.pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    assert visibility.visible_ids(ArticlePage, ids) == {public.pk}
    # Restrictions are the database's, not this process's copy.
    PageViewRestriction.objects.filter(page=private).delete()
    assert visibility.visible_ids(ArticlePage, list(reversed(ids))) == {public.pk, private.pk}
    assert visibility.visible_ids(ArticlePage, []) == set()


def test_visible_ids_falls_back_to_the_queryset_when_the_rule_reads_its_own_time(make_article, monkeypatch):
    """A rule that asks the clock itself (not through `now`) cannot be compiled ahead: each compile
    would carry a different time. visible_ids() then evaluates the queryset every time."""
    from core import visibility
    from news.models import ArticlePage

    public = make_article("Harbour wall repaired")
    expired = make_article("Road closure notice", expire_at=timezone.now() - timedelta(minutes=1))
    original = visibility.in_publication_window
    monkeypatch.setattr(visibility, "in_publication_window",
                        lambda pages, now=None: original(pages).exclude(first_published_at__gt=timezone.now()))
    visibility._compiled.clear()
    assert visibility.visible_ids(ArticlePage, [public.pk, expired.pk]) == {public.pk}
    assert visibility._compiled[(ArticlePage, 2, "default")] is False
    visibility._compiled.clear()
