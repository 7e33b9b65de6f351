"""A plain search results page over live, public pages.

A first version for the foundation: the search issue replaces it with a dedicated public index,
highlighting, filters and the overlay.
"""

import logging

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from opensearchpy.exceptions import OpenSearchException
from wagtail.models import Page

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200


@never_cache
def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    page_number = request.GET.get("page", 1)
    results = None
    unavailable = False
    if query:
        try:
            # live().public() matters: Wagtail's page index also holds drafts and private pages.
            hits = list(Page.objects.live().public().specific().search(query)[:100])
        except OpenSearchException:
            logger.exception("search unavailable")
            unavailable = True
            hits = []
        paginator = Paginator(hits, 10)
        try:
            results = paginator.page(page_number)
        except PageNotAnInteger:
            results = paginator.page(1)
        except EmptyPage:
            results = paginator.page(paginator.num_pages)
    return TemplateResponse(
        request,
        "search/search.html",
        {"search_query": query, "search_results": results, "search_unavailable": unavailable},
    )
