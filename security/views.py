"""The page a locked-out sign-in gets (django-axes calls it: AXES_LOCKOUT_CALLABLE)."""

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def locked_out(request, original_response=None, credentials=None):
    """429 Too Many Requests with the time to wait, in the page and in Retry-After."""
    cool_off = get_cool_off(request)
    seconds = max(1, math.ceil(cool_off.total_seconds())) if cool_off else 0
    response = render(request, "security/locked_out.html", {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": max(1, math.ceil(seconds / 60)),
    }, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response
