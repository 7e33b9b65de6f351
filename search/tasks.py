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

from django_tasks import task
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import ConnectionTimeout, TransportError

from core.retry import retry_later

from . import index

logger = logging.getLogger(__name__)

# Ahead of Wagtail's own tasks (admin index, reference index) that a publish also enqueues: readers'
# search is the one waiting.
SYNC_PRIORITY = 10


@task(priority=SYNC_PRIORITY)
def sync_articles(article_ids, attempt=0):
    try:
        return index.sync_articles(article_ids)
    except (OpenSearchConnectionError, ConnectionTimeout, TransportError, index.IndexingError) as error:
        delay = retry_later(sync_articles, article_ids, attempt=attempt)
        if delay is None:
            logger.error("search index update for articles %s failed (%s); run `manage.py search_index "
                         "drift --repair` once OpenSearch is back", article_ids[:20], error)
            raise
        logger.warning("search index unavailable (%s); retrying %d articles in %ds", error, len(article_ids), delay)
        return {"retry_in": delay}
