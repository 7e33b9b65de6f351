"""The site version: a token that every whole-site purge replaces (pagecache.store.purge_all).

Cached pages are keyed by it, and so are facts derived from the whole site that are read on nearly
every page (the view restrictions): a process keeps its copy until the version changes. It lives here,
below every app, so that the content model can keep such facts without knowing about the page cache.
"""

import contextlib
import contextvars
import secrets

from django.conf import settings
from django.core.cache import caches

SITE_VERSION_KEY = "pagecache:site"


def cache():
    """The shared cache the page cache and the version tokens live in."""
    return caches[settings.PAGE_CACHE_ALIAS]


def new_token():
    return secrets.token_hex(8)


# The site version as this request first read it (None outside a request): a rendered page asked the
# shared cache for it three or four times (the site, view restrictions, the site name, the page's
# versions), each a cache read; one read per request serves them all. (A purge made during the
# request is seen by the request that made it: replace_site_version() updates it.)
_request_scope = contextvars.ContextVar("site_version_of_this_request", default=None)


@contextlib.contextmanager
def one_read_per_request():
    """Around a request (pagecache.middleware): the site version is read from the cache once."""
    token = _request_scope.set({})
    try:
        yield
    finally:
        _request_scope.reset(token)


def known_site_version():
    """The site version this request has read already, or None."""
    scope = _request_scope.get()
    return scope.get(SITE_VERSION_KEY) if scope is not None else None


def remember_site_version(token):
    """The site version as read by another path (pagecache.store reads it with the path's)."""
    scope = _request_scope.get()
    if scope is not None and token is not None:
        scope[SITE_VERSION_KEY] = token


def site_version():
    """The site-wide token alone: what fragments valid until the next whole-site purge are keyed by."""
    token = known_site_version()
    if token is not None:
        return token
    token = cache().get(SITE_VERSION_KEY)
    if token is None:
        cache().add(SITE_VERSION_KEY, new_token(), timeout=None)
        token = cache().get(SITE_VERSION_KEY)
    remember_site_version(token)
    return token


def replace_site_version():
    """A whole-site purge: every page and fragment keyed by the old token is unreachable from now on."""
    token = new_token()
    cache().set(SITE_VERSION_KEY, token, timeout=None)
    remember_site_version(token)


_derived = {}  # name -> (site version, value), this process's copies


def until_next_purge(name, compute, version=None):
    """compute(), kept in this process until the next whole-site purge (the site version changes),
    or until `version` changes when the caller gives one (the page cache's versions of a path, for
    facts that purging that path covers: editors' promoted results and /search/).

    For facts read on every page (the view restrictions): one cache read instead of a query. The
    value is keyed by the version read before computing, so a value computed from a state that a
    purge then changed is never used after it. When the cache cannot be read, compute() runs every
    time."""
    if version is None:
        try:
            version = site_version()
        except Exception:
            return compute()
    held = _derived.get(name)
    if held is not None and held[0] == version:
        return held[1]
    value = compute()
    _derived[name] = (version, value)
    return value


def forget(name):
    """Drop this process's copy of an until_next_purge() value now, without waiting for the purge."""
    _derived.pop(name, None)
