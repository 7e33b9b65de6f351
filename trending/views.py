"""Counting article views for Top Trending. (Being written.)"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


count_view = _todo
