"""A page-cache purge that could not reach the cache, retried from the durable queue."""

import logging

from django_tasks import task

from core.retry import retry_later

from . import store

logger = logging.getLogger(__name__)


@task(priority=10)
def retry_purge(paths, attempt=0):
    try:
        if paths is None:
            store.purge_all()
        else:
            store.purge_paths(paths)
    except Exception as error:
        delay = retry_later(retry_purge, paths, attempt=attempt)
        if delay is None:
            logger.error("page cache purge failed for good (%s); pages expire after PAGE_CACHE_SECONDS", error)
            raise
        return {"retry_in": delay}
    return {"purged": "all" if paths is None else len(paths)}
