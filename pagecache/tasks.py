"""A page-cache purge that could not reach the cache, retried from the durable queue."""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task

from . import store

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 40


@task(priority=10)
def retry_purge(paths, attempt=0):
    try:
        if paths is None:
            store.purge_all()
        else:
            store.purge_paths(paths)
    except Exception as error:
        if attempt + 1 >= MAX_ATTEMPTS or not default_task_backend.supports_defer:
            logger.error("page cache purge failed for good (%s); pages expire after PAGE_CACHE_SECONDS", error)
            raise
        delay = min(2 ** attempt, 60)
        retry_purge.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(paths, attempt + 1)
        return {"retry_in": delay}
    return {"purged": "all" if paths is None else len(paths)}
