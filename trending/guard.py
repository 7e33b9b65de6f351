"""What makes inflating view counts expensive, without storing anything about readers.

A view counts only if the beacon carries a token signed into the article page (so a script must
fetch the page for every article it wants to push), once per client per article per day, and at
most VIEW_BEACON_DAILY_LIMIT articles per client per day. The client is an HMAC of the day, the
address (security.ip.client_ip) and the User-Agent: it lives only as a cache key that expires with
the day, never in the database, and cannot be turned back into an address.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from security.ip import client_digest, client_ip

TOKEN_SALT = "trending.view"


def view_token(article_id):
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(str(article_id))


def valid_token(token, article_id):
    try:
        value = signing.TimestampSigner(salt=TOKEN_SALT).unsign(token or "", max_age=settings.VIEW_TOKEN_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return value == str(article_id)


def _client(request, day):
    return client_digest(day.isoformat(), client_ip(request) or "", request.headers.get("User-Agent", ""))


def _seconds_left_today():
    now = timezone.localtime()
    midnight = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), time.min))
    return max(60, int((midnight - now).total_seconds()) + 60)


def first_view_today(request, article_id):
    """True once per client, article and day, while the client is under the daily limit."""
    day = timezone.localdate()
    client, seconds = _client(request, day), _seconds_left_today()
    if not cache.add(f"views:{day}:{article_id}:{client}", 1, timeout=seconds):
        return False
    total_key = f"views:{day}:client:{client}"
    if cache.add(total_key, 1, timeout=seconds):
        return True
    try:
        return cache.incr(total_key) <= settings.VIEW_BEACON_DAILY_LIMIT
    except ValueError:  # expired in between: a new day
        return True
