"""Keeping the public index in step, through the durable task queue.

Signals (search/signals.py) enqueue sync_articles with the ids an event touched. With
django-tasks-db's DatabaseBackend the task is a row written in the same transaction as the change
that caused it: it exists exactly when that change commits, survives restarts, and the worker
(`manage.py db_worker`, started by `make run` and `make serve`) picks it up within its poll interval.

When OpenSearch cannot be reached the task enqueues itself again with a growing delay, so
publishing never waits for or fails on search, and the index catches up when the node is back.
`manage.py search_index drift --repair` is the backstop for anything lost beyond that.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import ConnectionTimeout, TransportError

from . import index

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 40
MAX_DELAY = 60  # seconds: 1, 2, 4 … 60, 60 … about half an hour of retries in all


def retry_delay(attempt):
    return min(2 ** attempt, MAX_DELAY)


# Ahead of Wagtail's own tasks (admin index, reference index) that a publish also enqueues: readers'
# search is the one waiting.
SYNC_PRIORITY = 10


@task(priority=SYNC_PRIORITY)
def sync_articles(article_ids, attempt=0):
    try:
        return index.sync_articles(article_ids)
    except (OpenSearchConnectionError, ConnectionTimeout, TransportError, index.IndexingError) as error:
        if attempt + 1 >= MAX_ATTEMPTS or not default_task_backend.supports_defer:
            logger.error("search index update for articles %s failed (%s); run `manage.py search_index "
                         "drift --repair` once OpenSearch is back", article_ids[:20], error)
            raise
        delay = retry_delay(attempt)
        sync_articles.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(article_ids, attempt + 1)
        logger.warning("search index unavailable (%s); retrying %d articles in %ds", error, len(article_ids), delay)
        return {"retry_in": delay}
