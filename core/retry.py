"""Retrying a task from the durable queue with a growing delay: one rule for every task that waits on
a service (the search index on OpenSearch, cache purges on Redis)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend

MAX_ATTEMPTS = 40
MAX_DELAY = 60  # seconds: 1, 2, 4 … 60, 60 … about half an hour of retries in all


def backoff(attempt):
    return min(2 ** attempt, MAX_DELAY)


def retry_later(task, *args, attempt):
    """Enqueue task(*args, attempt + 1) after backoff(attempt) seconds and return the delay; None when
    attempts are used up or the task backend cannot run a task later (the caller gives up then)."""
    if attempt + 1 >= MAX_ATTEMPTS or not default_task_backend.supports_defer:
        return None
    delay = backoff(attempt)
    task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(*args, attempt + 1)
    return delay
