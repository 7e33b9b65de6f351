"""Newsletter signup with double opt-in. (Being written.)"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


subscribe = confirm = unsubscribe = _todo
