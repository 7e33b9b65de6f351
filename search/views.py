"""Readers' search: the results page, suggestions for the overlay, and the JSON API.

All three read the public index through search.query, check the ids they are about to show against
the database (so an article unpublished a moment ago, or while OpenSearch was unreachable, is never
shown even before the index catches up), and answer quickly with a clear message when OpenSearch
cannot: they never fall back to a slow database scan.
"""

import logging

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from wagtail.models import Page

from core.visibility import visible_ids
from news.models import ArticlePage

from . import promotions as promotions_
from . import query
from .models import SearchQueryLog, normalise

logger = logging.getLogger(__name__)


# A page of results re-asked without hidden articles at most this often (each finds a page's worth).
MAX_RESEARCHES = 3


def _timeout():
    # Readers get an answer (results or "unavailable") within a second even if the node hangs.
    return settings.SEARCH_TIMEOUT


def visible(items, key=lambda hit: hit.id):
    """Only the items readers may see now, in the same order."""
    allowed = visible_ids(ArticlePage, {key(item) for item in items})  # core.visibility: SQL compiled once
    return [item for item in items if key(item) in allowed]


def promoted(params, request=None):
    """Results editors have promoted for this query (Settings → Promoted search results), on the
    first page of an unfiltered search, and only pages readers may see."""
    if not params.q or params.page != 1 or params.section or params.date:
        return []
    promotions = promotions_.for_query(normalise(params.q), request)  # kept per process (search/promotions.py)
    if not promotions:
        return []  # the usual case: no need to ask which pages readers may see
    ids = [p.page_id for p in promotions if p.page_id]
    # Articles must also be within their reading time, like every public listing.
    articles = visible_ids(ArticlePage, ids)
    pages = {page.pk: page for page in Page.objects.live().public().filter(pk__in=ids).specific()
             if not isinstance(page, ArticlePage) or page.pk in articles}
    shown = []
    for promotion in promotions:
        if promotion.page_id in pages:
            page = pages[promotion.page_id]
            shown.append({"title": page.title, "url": page.url,
                          "description": promotion.description or getattr(page, "standfirst", "")})
        elif not promotion.page_id and promotion.external_link_url:
            shown.append({"title": promotion.external_link_text or promotion.external_link_url,
                          "url": promotion.external_link_url, "description": promotion.description})
    return shown


def run_search(request):
    """(params, results or None when unavailable, promoted results)."""
    params = query.SearchParams.from_querydict(request.GET)
    try:
        results = query.search(params, timeout=_timeout())
        shown = visible(results.hits)
        for _ in range(MAX_RESEARCHES):
            if len(shown) == len(results.hits):
                break
            # The index still holds articles readers may no longer see: ask again without them, so
            # the total, the pages and the facets agree with what is shown (rare: index lag).
            params.hidden += tuple(hit.id for hit in results.hits if hit not in shown)
            results = query.search(params, timeout=_timeout())
            shown = visible(results.hits)
        results.hits = shown
    except query.SearchUnavailable as error:
        logger.warning("search unavailable: %s", error)
        return params, None, []
    if params.q and params.page == 1:  # counted in memory, written after the response (search.apps)
        SearchQueryLog.record(params.q, found=results.total > 0, relaxed=bool(results.relaxed))
    return params, results, promoted(params, request)


def _noindex(response):
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def search(request):
    params, results, promotions = run_search(request)
    return _noindex(TemplateResponse(request, "search/search.html", {
        "params": params,
        "search_query": params.q,
        "results": results,
        "promoted": promotions,
        "search_unavailable": results is None,
        "sorts": query.SORTS,
        "page_range": _page_range(results) if results else [],
    }))


def _understood_json(understood):
    """How the query was read: what each part also matched, which words were left out, the year."""
    if understood is None:
        return None
    return {
        "expanded": [{"typed": part.text, "alternatives": [alt.text for alt in part.alternatives]}
                     for part in understood.expanded],
        "ignored": understood.ignored,
        "year": understood.year,
        "month": understood.month,
        "latest": understood.recency,
    }


def _page_range(results):
    """Page numbers to link: the first, the last, and two either side of the current one."""
    current, last = results.params.page, results.pages
    pages = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    shown, previous = [], 0
    for number in pages:
        if number - previous > 1:
            shown.append(None)  # a gap
        shown.append(number)
        previous = number
    return shown


@never_cache
def suggest(request):
    """Headlines completing what the reader typed, for the overlay's combobox."""
    text = request.GET.get("q", "")
    cleaned, _ = query.clean_query(text)
    try:
        suggestions = visible(query.suggest(cleaned, timeout=_timeout()), key=lambda s: s["id"])
    except query.SearchUnavailable:
        return _noindex(JsonResponse({"query": cleaned, "suggestions": [], "unavailable": True}))
    return _noindex(JsonResponse({"query": cleaned, "suggestions": [
        {"title": s["title"], "url": s["url"], "section": s["section"]} for s in suggestions]}))


@never_cache
def api_search(request):
    """The results page as JSON, for apps: the same results, filters and pages."""
    params, results, promotions = run_search(request)
    if results is None:
        response = JsonResponse({"error": "Search is temporarily unavailable. Please try again shortly."},
                                status=503)
        response["Retry-After"] = "30"
        return _noindex(response)
    return _noindex(JsonResponse({
        "query": params.q,
        "shortened": params.shortened,
        "page": params.page,
        "pages": results.pages,
        "total": results.total,
        "fuzzy": results.fuzzy,
        # Why the results may not have every word: "most", "close" or "some" (null when they do).
        "relaxed": results.relaxed or None,
        "notice": results.notice or None,
        "understood": _understood_json(results.understood),
        "did_you_mean": results.did_you_mean or None,
        "promoted": promotions,
        "results": [hit.as_json() for hit in results.hits],
        "facets": {"sections": results.sections, "dates": results.dates},
    }))
