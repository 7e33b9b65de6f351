from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def search_url(params, **changes):
    """The results page URL for this search with some choices changed (a filter, the sort, a page):
    every choice lives in the URL, so results can be shared and the back button works."""
    query = urlencode(params.url_params(**changes))
    return f"{reverse('search')}?{query}" if query else reverse("search")
