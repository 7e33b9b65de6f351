from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from news.listing import cards

from ..related import related_articles

register = template.Library()


@register.simple_tag
def search_url(params, **changes):
    """The results page URL for this search with some choices changed (a filter, the sort, a page):
    every choice lives in the URL, so results can be shared and the back button works."""
    query = urlencode(params.url_params(**changes))
    path = _results_path(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return f"{path}?{query}" if query else path


@lru_cache(maxsize=16)
def _results_path(urlconf, script_prefix):
    """The results page's path, worked out once per URLconf and script prefix: a page links it twenty
    to thirty times (filters, sort, pages), and each reverse() cost ~35 µs."""
    return reverse("search", urlconf=urlconf)


@register.simple_tag
def related_posts(article, limit=4):
    """The article page's Related Posts, as cards (none for an article never saved: a new draft's preview)."""
    return cards(related_articles(article, limit)) if article.pk else []
