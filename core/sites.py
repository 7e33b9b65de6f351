"""Which Wagtail Site answers a request, kept per process until the next whole-site purge.

Wagtail asks the database on every request (Site.find_for_request: the site by host and port), and
then for the site's root page: two queries before any page is found. Sites and home pages change
only through edits that purge the whole site (pagecache.signals: a Site saved or deleted, a home page
published or moved), so this process keeps the answer per host and port until the site version
changes (core.versions.until_next_purge), and hands Wagtail its copy through the attribute
find_for_request documents as its per-request cache (request._wagtail_site). The copy's root page
is fetched once with it. Readers and editors get the same Site object; nothing writes to it.
"""

from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from wagtail.models import Site

from .versions import until_next_purge


def _known_sites():
    return {}  # (host, port) -> Site or None, filled as requests come


class SiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            key = (request.get_host(), request.get_port())
        except DisallowedHost:  # Django's 400 comes later, where it always does
            return self.get_response(request)
        known = until_next_purge("sites", _known_sites)
        if key not in known:
            try:
                site = Site.find_for_request(request)
                if site is not None:
                    site.root_page  # noqa: B018  (fetched once, kept with the site)
            except DatabaseError:  # the database is down: the view gives its own answer (/healthz)
                return self.get_response(request)
            known[key] = site
        request._wagtail_site = known[key]
        return self.get_response(request)
