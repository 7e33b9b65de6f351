"""The client's address for the sign-in throttle (django-axes calls it: AXES_CLIENT_IP_CALLABLE)."""

import hashlib
import hmac

from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies (load balancer, CDN…) stand in front of
    gunicorn: then the address the outermost of them saw, counted from the right of
    X-Forwarded-For. Each proxy appends the address it was reached from, so entries to the left of
    those are whatever the client sent, and trusting them would let an attacker pick a fresh
    address for every guess."""
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote
    return forwarded[-count]


def client_digest(*parts):
    """What stands for a client in counters (throttles, view counts): a keyed hash of the parts that
    identify it (its address, and whatever else the counter needs), which cannot be turned back into
    them without SECRET_KEY. Nothing about the client itself is stored."""
    message = "|".join(parts)
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()[:32]
