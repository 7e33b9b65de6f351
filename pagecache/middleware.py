"""Serve anonymous readers from the page cache, and tell CDNs and browsers what they may keep.

It sits right after SecurityMiddleware and WhiteNoise, ahead of sessions and authentication, so a
hit costs four cache reads and no database query. What is cached is decided twice, for safety:
- the request: GET/HEAD, no session cookie (editors and anyone who entered a page password have
  one), no Authorization header, not under PAGE_CACHE_EXCLUDE (admin, draft links, APIs, health…);
- the response: 200, not streamed, no Set-Cookie, no private/no-cache/no-store Cache-Control
  (search with a query, previews and draft links send those), and no CSRF token in the page (a
  token written for one reader would fail for the next).
"""

import logging

from django.conf import settings
from django.utils.cache import patch_cache_control

from core.versions import one_read_per_request

from . import store

logger = logging.getLogger(__name__)

UNCACHEABLE_DIRECTIVES = ("private", "no-cache", "no-store", "max-age=0")
# Nothing is stored this close to the next scheduled expiry (see store.seconds_until_next_expiry).
MIN_TIMEOUT = 1


def cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return False
    return not request.path.startswith(tuple(settings.PAGE_CACHE_EXCLUDE))


def cacheable_response(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(directive in cache_control for directive in UNCACHEABLE_DIRECTIVES):
        return False
    # get_token() ran: the page embeds a CSRF token.
    return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def public_cache_control(response, timeout):
    """What a CDN and a browser may keep. A view that set its own Cache-Control keeps it."""
    if response.has_header("Cache-Control"):
        return
    patch_cache_control(
        response, public=True, max_age=min(settings.CACHE_CONTROL_MAX_AGE, timeout),
        s_maxage=min(settings.CACHE_CONTROL_S_MAXAGE, timeout),
        stale_while_revalidate=settings.CACHE_CONTROL_STALE_WHILE_REVALIDATE,
        stale_if_error=settings.CACHE_CONTROL_STALE_IF_ERROR)


def cap_to_next_expiry(response, until_expiry):
    """No copy a browser or CDN keeps, fresh or stale, may outlive the next scheduled expiry: an
    expired article must not be served from an edge for a day because the origin was down
    (stale-if-error) any more than from this cache. Lowers max-age and s-maxage to the seconds left,
    and stale-while-revalidate and stale-if-error to what is left after the fresh period."""
    if until_expiry is None or not response.has_header("Cache-Control"):
        return
    left = max(0, int(until_expiry))
    directives = {}
    for part in response["Cache-Control"].split(","):
        name, _, value = part.strip().partition("=")
        if value.isdigit():
            directives[name.lower()] = int(value)
    changes = {name: left for name in ("max-age", "s-maxage") if directives.get(name, 0) > left}
    fresh = min(directives.get("s-maxage", directives.get("max-age", 0)), left)
    changes.update({name: min(directives[name], left - fresh)
                    for name in ("stale-while-revalidate", "stale-if-error") if name in directives})
    if changes:
        patch_cache_control(response, **{name.replace("-", "_"): value for name, value in changes.items()})


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with one_read_per_request():  # the site version: one cache read for the whole request
            return self._serve(request)

    def _serve(self, request):
        if not settings.PAGE_CACHE_SECONDS or not cacheable_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES and not response.has_header("Cache-Control"):
                # Possibly an editor's page (userbar, previews): no shared cache may keep it.
                patch_cache_control(response, private=True)
            return response
        request.get_host()  # a disallowed Host is Django's 400, not a cache problem
        try:
            key = store.key_for(request)  # before rendering: see store's docstring
            cached = store.get(key)
        except Exception:  # the cache is down: serve uncached rather than fail
            logger.warning("page cache unavailable; serving %s uncached", request.path, exc_info=True)
            return self.get_response(request)
        if cached is not None:
            cached["X-Cache"] = "HIT"
            self._cap(cached, request)  # stored earlier: less time may be left now
            return cached
        response = self.get_response(request)
        if not cacheable_response(request, response):
            response["X-Cache"] = "BYPASS"
            return response
        timeout = self._timeout(request)
        if timeout is None:
            response["X-Cache"] = "BYPASS"
            return response
        public_cache_control(response, timeout)
        self._cap(response, request)
        try:
            store.store(key, response, timeout)
        except Exception:
            logger.warning("page cache unavailable; %s not stored", request.path, exc_info=True)
        response["X-Cache"] = "MISS"
        return response

    def _cap(self, response, request):
        try:
            cap_to_next_expiry(response, store.seconds_until_next_expiry(request))
        except Exception:  # the cache is down: say nothing may be kept rather than too long
            logger.warning("could not read the next expiry", exc_info=True)
            response["Cache-Control"] = "no-cache, max-age=0"

    def _timeout(self, request):
        timeout = settings.PAGE_CACHE_SECONDS
        try:
            until_expiry = store.seconds_until_next_expiry(request)
        except Exception:
            logger.warning("could not read the next expiry; not caching", exc_info=True)
            return None
        if until_expiry is not None:
            timeout = min(timeout, int(until_expiry))
        return timeout if timeout >= MIN_TIMEOUT else None
