"""Counting a client's attempts without storing who the client is.

django-axes throttles the admin sign-in; the other forms that need a limit (page passwords: wrong
guesses; newsletter signups: every signup, per network) count here, in the shared cache, so every
app server sees the same count. The client is a keyed hash of its address (security.ip.client_ip,
so proxies are handled as for sign-in), never the address.
"""

import ipaddress

from django.conf import settings
from django.core.cache import cache

from .ip import client_digest, client_ip


class Throttle:
    """After `limit` counted attempts from one client (for one `scope` and target), refuse it for
    `seconds`; each further counted attempt starts the wait again; forget() clears the count."""

    def __init__(self, scope, limit, seconds, per_network=False):
        self.scope, self.limit, self.seconds, self.per_network = scope, limit, seconds, per_network

    def _key(self, request, target):
        address = client_ip(request) or ""
        if self.per_network:
            address = network_of(address)
        return f"throttle:{self.scope}:{target}:{client_digest(address)}"

    def blocked(self, request, target):
        return (cache.get(self._key(request, target)) or 0) >= self.limit()

    def count(self, request, target):
        """One more attempt (a wrong password; any signup) from this client."""
        key = self._key(request, target)
        if not cache.add(key, 1, timeout=self.seconds()):
            try:
                cache.incr(key)  # atomic on Redis: parallel guesses are all counted
            except ValueError:  # expired in between
                cache.add(key, 1, timeout=self.seconds())
            cache.touch(key, self.seconds())

    def forget(self, request, target):
        cache.delete(self._key(request, target))


def network_of(address):
    """The address's network as one client: a /24 for IPv4, a /64 for IPv6 (what one home, office
    or server usually has: stepping through its addresses must not reset a count)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 64}", strict=False))


def _sign_in_limit():
    return settings.AXES_FAILURE_LIMIT


def _sign_in_seconds():
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


# Page passwords are throttled like the admin sign-in (AXES_FAILURE_LIMIT, AXES_COOLOFF_MINUTES),
# per client and per restriction. Read from settings at each use, so an override applies at once.
PAGE_PASSWORD = Throttle("page-password", _sign_in_limit, _sign_in_seconds)

# Newsletter signups: NEWSLETTER_SIGNUPS_PER_HOUR from one network (each sends a confirmation mail).
NEWSLETTER_SIGNUP = Throttle("newsletter-signup", lambda: settings.NEWSLETTER_SIGNUPS_PER_HOUR, lambda: 3600,
                             per_network=True)
