"""The old site's query-string addresses (/?p=123, /?cat=4, /?feed=rss2), answered from the Wagtail
redirects the importer made (wordpress.redirects).

Wagtail's RedirectMiddleware looks for a redirect only when the response is a 404, and "/" is the
home page whatever its query string says, so these would never be redirected. This looks only at
requests for "/" or "/index.php" that carry one of WordPress's keys; every other request passes
through without a query. It sits before the page cache, which would otherwise answer with the home
page.
"""

from urllib.parse import urlencode

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

from .redirects import QUERY_KEYS, normalise


class WordPressQueryRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in ("/", "/index.php") and request.method in ("GET", "HEAD") and request.GET:
            redirect = self._redirect(request)
            if redirect is not None:
                return redirect
        return self.get_response(request)

    def _redirect(self, request):
        for key in QUERY_KEYS:
            value = request.GET.get(key)
            if not value or "\0" in value or len(value) > 200:
                continue
            site = Site.find_for_request(request)
            found = Redirect.get_for_site(site).filter(old_path=normalise("/?" + urlencode({key: value}))).order_by(
                "site_id").first()  # a site's own redirect before one for every site (NULLs last)
            if found is not None and found.link:
                response_class = HttpResponsePermanentRedirect if found.is_permanent else HttpResponseRedirect
                return response_class(found.link)
        return None
