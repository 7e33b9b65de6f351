"""The site version: a token that every whole-site purge replaces (pagecache.store.purge_all).

Cached pages are keyed by it, and so are facts derived from the whole site that are read on nearly
every page (the view restrictions): a process keeps its copy until the version changes. It lives here,
below every app, so that the content model can keep such facts without knowing about the page cache.
"""

import secrets

from django.conf import settings
from django.core.cache import caches

SITE_VERSION_KEY = "pagecache:site"


def cache():
    """The shared cache the page cache and the version tokens live in."""
    return caches[settings.PAGE_CACHE_ALIAS]


def new_token():
    return secrets.token_hex(8)


def site_version():
    """The site-wide token alone: what fragments valid until the next whole-site purge are keyed by."""
    token = cache().get(SITE_VERSION_KEY)
    if token is None:
        cache().add(SITE_VERSION_KEY, new_token(), timeout=None)
        token = cache().get(SITE_VERSION_KEY)
    return token


def replace_site_version():
    """A whole-site purge: every page and fragment keyed by the old token is unreachable from now on."""
    cache().set(SITE_VERSION_KEY, new_token(), timeout=None)


_derived = {}  # name -> (site version, value), this process's copies


def until_next_purge(name, compute):
    """compute(), kept in this process until the next whole-site purge (the site version changes).

    For facts that every whole-site purge covers, read on every page (the view restrictions): one
    cache read instead of a query. The value is keyed by the version read before computing, so a
    value computed from a state that a purge then changed is never used after it. When the cache
    cannot be read, compute() runs every time."""
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
