"""The full-page cache for anonymous readers, on Django's cache framework.

Why not Django's own cache middleware: it can only expire pages by time, and a newsroom must drop a
page the moment an article it shows is unpublished. wagtail-cache (which adds purging) requires
Wagtail < 8, and its URL keyring is one shared read-modify-write entry, so concurrent writers can
lose keys it would later need to purge.

Purging here writes, never deletes: every cache key contains two version tokens — one for the whole
site and one for the URL path — and a purge gives the path (or the site) a fresh random token. The
entries made under the old token are never read again and age out. That makes a purge one write
whatever the number of cached variants (?page=2, tracking parameters…), and makes it safe against a
page being rendered while the purge happens: that render was keyed with the tokens read before it
started, so it is stored under the old ones and never served (the purge runs after the change
commits, see signals.py).
"""

import hashlib
import logging
import time
from urllib.parse import parse_qsl, unquote, urlencode

from django.http import HttpResponse

from core.versions import (
    SITE_VERSION_KEY,
    cache,
    known_site_version,
    new_token,
    remember_site_version,
    replace_site_version,
)

logger = logging.getLogger(__name__)

NEXT_EXPIRY_KEY = "pagecache:next-expiry"
# Shared links carry these; they change nothing on the page, so they must not split the cache.
TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "igshid")
# Headers a cached copy must not carry to the next reader.
UNSTORED_HEADERS = {"set-cookie", "x-cache"}


def _hashed(prefix, text):
    # Hashed so that any path (long, non-ASCII, with spaces) is a valid key on every cache backend.
    return f"{prefix}:{hashlib.sha1(text.encode('utf-8', 'surrogatepass')).hexdigest()}"


def normalize_path(path):
    """The form request.path has: percent-decoded (reverse() gives tag slugs percent-encoded)."""
    return unquote(path)


def path_version_key(path):
    return _hashed("pagecache:path", normalize_path(path))


def cache_query(query_dict):
    """The query string as part of the key: tracking parameters dropped, the rest sorted."""
    kept = [(name, value) for name, value in parse_qsl(query_dict.urlencode(), keep_blank_values=True)
            if not name.lower().startswith(TRACKING_PARAMETERS)]
    return urlencode(sorted(kept))


def versions(path):
    """The site and path version tokens, creating any that are missing.

    A missing token (never purged yet, or evicted by the cache under memory pressure) gets a fresh
    random one rather than a default: a default would bring back entries stored under it before a
    purge that the eviction forgot."""
    keys = [SITE_VERSION_KEY, path_version_key(path)]
    known = known_site_version()  # read already by this request (core.versions)
    found = {SITE_VERSION_KEY: known} if known is not None else {}
    found |= cache().get_many([key for key in keys if key not in found])
    for key in keys:
        if key not in found:
            cache().add(key, new_token(), timeout=None)
            found[key] = cache().get(key)
    remember_site_version(found[SITE_VERSION_KEY])
    return [found[key] for key in keys]


def request_versions(request):
    """(site version, path version, next expiry) for this request, read once however many fragments
    ask (the header, the footer, the meta tags and the content each build a key from them)."""
    held = getattr(request, "_pagecache_versions", None)
    if held is None:
        held = request._pagecache_versions = (*versions(request.path), next_expiry_at())
    return held


def key_for(request):
    site_version, path_version, _ = request_versions(request)
    return _hashed("pagecache:page", "|".join(
        [site_version, path_version, request.get_host(), request.path, cache_query(request.GET)]))


def get(key):
    entry = cache().get(key)
    if entry is None:
        return None
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def store(key, response, timeout):
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
    cache().set(key, (response.status_code, headers, response.content), timeout=timeout)


def purge_paths(paths):
    """Drop every cached variant of these paths, at once, for every host."""
    paths = {normalize_path(path) for path in paths}
    if paths:
        cache().set_many({path_version_key(path): new_token() for path in paths}, timeout=None)
    cache().delete(NEXT_EXPIRY_KEY)


def purge_all():
    """Drop every cached page."""
    replace_site_version()
    cache().delete(NEXT_EXPIRY_KEY)


def next_expiry_at():
    """When the next live page reaches its expiry time (a Unix timestamp; 0 if none is scheduled).

    A cached page may list an article that expires at 10:00; the scheduler unpublishes it (and so
    purges) up to 30 s later, while readers must not see it after 10:00 at all. Cached pages and
    fragments therefore never outlive the next expiry. The answer is cached until the next purge, or
    a minute, or that expiry."""
    from django.utils import timezone
    from wagtail.models import Page

    cached = cache().get(NEXT_EXPIRY_KEY)
    if cached is None or 0 < cached <= time.time():  # unknown, or that expiry has come
        upcoming = (Page.objects.live().filter(expire_at__gt=timezone.now()).order_by("expire_at")
                    .values_list("expire_at", flat=True).first())
        cached = upcoming.timestamp() if upcoming else 0.0
        cache().set(NEXT_EXPIRY_KEY, cached, timeout=60)
    return cached


def seconds_until_next_expiry(request=None):
    """Seconds until next_expiry_at() (as this request read it), or None if no expiry is scheduled."""
    upcoming = request_versions(request)[2] if request is not None else next_expiry_at()
    return upcoming - time.time() if upcoming else None
