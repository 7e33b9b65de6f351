"""Editors' promoted results (Settings → Promoted search results), kept in each process.

Every unfiltered first results page asked the database for its query's promotions (~0.3 ms of Django
CPU, nearly always to find none). Now all promotions are read at once and kept, per process, under the
results page's own page-cache version tokens: the site version (every whole-site purge) and the path
version of /search/, which saving or deleting a promotion replaces (search/signals.py, through
pagecache.purge: now, and again after the change commits). The results page reads both tokens already
for the page cache's key, so this costs it no cache read; the JSON API reads them once.

Only the promotions are kept: whether each promoted page may be shown is still asked of the database
on every search that has promotions (search.views.promoted).
"""

import logging

from django.urls import reverse

from core import versions
from pagecache import store

logger = logging.getLogger(__name__)

HELD = "search-promotions"  # the name of this process's copy (core.versions.until_next_purge)


def _versions(request):
    path = reverse("search")
    if request is not None and request.path == path:
        return tuple(store.request_versions(request)[:2])  # read already for the page cache's key
    return tuple(store.versions(path))


def _read():
    """{normalised query: [promotion, …] in their order}."""
    from wagtail.contrib.search_promotions.models import SearchPromotion

    by_query = {}
    for promotion in SearchPromotion.objects.select_related("query").order_by("sort_order", "pk"):
        by_query.setdefault(promotion.query.query_string, []).append(promotion)
    return by_query


def for_query(normalised, request=None):
    """The promotions of this (normalised) query, in their order."""
    try:
        held_under = _versions(request)
    except Exception:  # the cache is unreachable: ask the database
        logger.warning("page cache versions unavailable; promotions read from the database", exc_info=True)
        return _read().get(normalised, [])
    return versions.until_next_purge(HELD, _read, version=held_under).get(normalised, [])


def forget():
    """Read the promotions again on the next search (a change in this process, before its purge)."""
    versions.forget(HELD)
