"""Batching many changes (a demo load, an import): per-change follow-up work waits for the end.

The content model's commands open `batched_changes()`; the apps that follow changes up (the search
index) call `defer()` from their signal receivers, and get one call with everything at the end rather
than one per change. Neither side knows the other: this is the meeting point.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_pending = ContextVar("batched_changes", default=None)  # flush -> set of items, while batching


@contextmanager
def batched_changes():
    """Hold back deferred work until the block ends; nested blocks join the outermost one."""
    if _pending.get() is not None:
        yield
        return
    pending = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
        for flush, items in pending.items():
            flush(items)


def defer(flush, items):
    """Inside batched_changes(): remember the items for one flush(items) at its end and return True.
    Outside: return False, and the caller does the work now."""
    pending = _pending.get()
    if pending is None:
        return False
    pending.setdefault(flush, set()).update(items)
    return True
