"""Counting a client's failed attempts without storing who the client is.

django-axes throttles the admin sign-in; other forms that check a secret (page passwords) count
here, in the shared cache, so every app server sees the same count. The client is a keyed hash of
its address (security.ip.client_ip, so proxies are handled as for sign-in), never the address.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from .ip import client_ip


class Throttle:
    """After `limit` failures in a row from one client (for one `scope` and target), refuse it for
    `seconds`; each further failure starts the wait again, a success forgets the failures."""

    def __init__(self, scope, limit, seconds):
        self.scope, self.limit, self.seconds = scope, limit, seconds

    def _key(self, request, target):
        client = hmac.new(settings.SECRET_KEY.encode(), (client_ip(request) or "").encode(), hashlib.sha256)
        return f"throttle:{self.scope}:{target}:{client.hexdigest()[:32]}"

    def blocked(self, request, target):
        return (cache.get(self._key(request, target)) or 0) >= self.limit()

    def failed(self, request, target):
        key = self._key(request, target)
        if not cache.add(key, 1, timeout=self.seconds()):
            try:
                cache.incr(key)  # atomic on Redis: parallel guesses are all counted
            except ValueError:  # expired in between
                cache.add(key, 1, timeout=self.seconds())
            cache.touch(key, self.seconds())

    def succeeded(self, request, target):
        cache.delete(self._key(request, target))


def _sign_in_limit():
    return settings.AXES_FAILURE_LIMIT


def _sign_in_seconds():
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


# Page passwords are throttled like the admin sign-in (AXES_FAILURE_LIMIT, AXES_COOLOFF_MINUTES),
# per client and per restriction. Read from settings at each use, so an override applies at once.
PAGE_PASSWORD = Throttle("page-password", _sign_in_limit, _sign_in_seconds)
