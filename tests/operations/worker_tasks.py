"""A task for tests/operations/test_task_worker.py: it does nothing but finish, so the test measures
only how soon the worker starts it."""

from django_tasks import task


@task()
def note(label):
    return label
