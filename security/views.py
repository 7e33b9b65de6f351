"""Throttled secrets: the page a locked-out sign-in gets (django-axes calls it:
AXES_LOCKOUT_CALLABLE), and page passwords throttled the same way."""

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from wagtail.views import authenticate_with_password

from .throttle import PAGE_PASSWORD


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


def page_password(request, page_view_restriction_id, page_id):
    """Wagtail's page-password form (/_util/authenticate_with_password/…), refused with 429 after
    AXES_FAILURE_LIMIT wrong passwords in a row from one client for one restriction, until
    AXES_COOLOFF_MINUTES pass without another try. Wagtail answers a wrong password with the form
    again (200) and a right one with a redirect."""
    if request.method != "POST":
        return authenticate_with_password(request, page_view_restriction_id, page_id)
    if PAGE_PASSWORD.blocked(request, page_view_restriction_id):
        seconds = PAGE_PASSWORD.seconds()
        response = render(request, "security/page_password_locked.html", {
            "failure_limit": PAGE_PASSWORD.limit(), "minutes": max(1, math.ceil(seconds / 60))}, status=429)
        response["Retry-After"] = str(seconds)
        add_never_cache_headers(response)
        return response
    response = authenticate_with_password(request, page_view_restriction_id, page_id)
    if response.status_code == 200:
        PAGE_PASSWORD.count(request, page_view_restriction_id)
    elif response.status_code == 302:
        PAGE_PASSWORD.forget(request, page_view_restriction_id)
    return response
