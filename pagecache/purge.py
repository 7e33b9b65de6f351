"""What to purge when content changes: this app's page cache and, when configured, the CDN.

A page must be purged when anything it shows changes. Most changes touch a known set of pages (the
article, the home page, its sections and their feeds, its authors' and tags' pages, the sitemaps).
Some change what every page shows — the header's navigation and What's Hot ticker, the bylines on
cards everywhere — or take an article away from readers, and then a page listing it could be any
page (a ticker, another article's Related Posts): those purge the whole page cache.
"""

import logging

from django.db import transaction
from django.urls import reverse

from . import store

logger = logging.getLogger(__name__)

SITE_WIDE_PATHS = ("/", "/feed/", "/sitemap.xml", "/news-sitemap.xml")


def relative_url(page):
    parts = page.get_url_parts()
    return parts[2] if parts else None


def article_paths(article):
    """Every path whose page shows this article, except the site-wide parts of every page."""
    from news.models import SectionPage

    paths = set(SITE_WIDE_PATHS)
    own = relative_url(article)
    if own:
        paths.add(own)
    for section in article.get_ancestors().type(SectionPage):
        section_url = relative_url(section)
        if section_url:
            paths.update({section_url, f"{section_url}feed/"})
    paths.update(reverse("author", args=[author.slug]) for author in article.authors)
    paths.update(reverse("tag", args=[tag.slug]) for tag in article.tags.all())
    return paths


def shown_on_every_page(article):
    """Is the article in a part of every page: the What's Hot ticker in the header, or the sidebar's
    Editors' Picks and Latest Posts?"""
    from home.models import HomePage

    home = HomePage.objects.ancestor_of(article).first()
    return home is not None and article.pk in home.on_every_page()


def full_urls(page, paths):
    site = page.get_site()
    return sorted(site.root_url + path for path in paths) if site else []


def purge(paths=None, cdn_urls=()):
    """Purge now, and again once the transaction commits.

    Now: so the next request of this process sees the change. After commit: another process may
    have rendered the page between the two from the old, still-committed state, and keyed it with
    the new versions; the second purge drops it. paths=None purges every page."""
    _purge_local(paths)
    transaction.on_commit(lambda: _purge_local(paths))
    if cdn_urls:
        transaction.on_commit(lambda: _purge_cdn(list(cdn_urls)))


def _purge_local(paths):
    try:
        if paths is None:
            store.purge_all()
        else:
            store.purge_paths(paths)
    except Exception as error:  # the cache is unreachable: publishing must not fail; retry later
        from .tasks import retry_purge

        logger.warning("page cache purge failed (%s); queued for retry", error)
        retry_purge.enqueue(sorted(paths) if paths is not None else None)


def _purge_cdn(urls):
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    # A task on the durable queue (Wagtail's own); nothing happens when no CDN is configured.
    purge_urls_from_cache(urls)
