import atexit
import logging

from django.apps import AppConfig
from django.core.signals import request_finished
from django.db import DatabaseError

logger = logging.getLogger(__name__)


def write_query_log(force=False, **kwargs):
    """Write readers' pending search counts (SearchQueryLog.flush): after a response has been sent,
    and when the process exits. A failed write must never reach a reader or a worker's shutdown."""
    from .models import SearchQueryLog

    try:
        SearchQueryLog.flush(force=force)
    except DatabaseError:
        logger.exception("could not write the search query log")


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Reader search"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers that keep the index in step)

        request_finished.connect(write_query_log, dispatch_uid="search.write_query_log")
        atexit.register(write_query_log, force=True)
