from urllib.parse import urlencode

from django import template
from django.urls import reverse

from news.listing import cards

from ..related import related_articles

register = template.Library()


@register.simple_tag
def search_url(params, **changes):
    """The results page URL for this search with some choices changed (a filter, the sort, a page):
    every choice lives in the URL, so results can be shared and the back button works."""
    query = urlencode(params.url_params(**changes))
    return f"{reverse('search')}?{query}" if query else reverse("search")


@register.simple_tag
def related_posts(article, limit=4):
    """The article page's Related Posts, as cards (none for an article never saved: a new draft's preview)."""
    return cards(related_articles(article, limit)) if article.pk else []
