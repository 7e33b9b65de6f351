"""The durable task queue's wake-up call: a worker that sleeps until PostgreSQL says a task was queued.

django-tasks-db's worker polls the queue table (every 0.2 s here, to make a publish searchable within
a second), which costs a few percent of a core doing nothing, on every worker, all day. On PostgreSQL
each queued task sends a NOTIFY in the transaction that queues it (delivered when it commits, never
if it rolls back), and `manage.py db_worker` (this app's, see management/commands/db_worker.py)
LISTENs, so it wakes at once and is idle otherwise. Other databases (SQLite for `make run`) keep the
poll.
"""

from django.apps import AppConfig

CHANNEL = "newsroom_tasks"


def notify_worker(sender, instance, created, using, **kwargs):
    from django.db import connections

    connection = connections[using]
    if created and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")


class TaskQueueConfig(AppConfig):
    name = "taskqueue"
    verbose_name = "Task queue"

    def ready(self):
        from django.db.models.signals import post_save
        from django_tasks_db.models import DBTaskResult

        post_save.connect(notify_worker, sender=DBTaskResult, dispatch_uid="taskqueue.notify_worker")
