"""`manage.py db_worker`: django-tasks-db's worker, same options, which on PostgreSQL waits for a
NOTIFY instead of polling (taskqueue/apps.py says why).

It works the queue with the library's own Worker in batch mode (run every ready task, return when
none is left), then waits on a LISTEN connection until a task is queued, the next delayed task (a
retry with backoff) is due, or --idle-check seconds pass (a safety net). The connection listens
before the first look at the queue, so a task queued at any moment after that wakes it: a
notification that arrives while it works is kept by the connection until it waits again.
On other databases, or while the listening connection is down, it polls every --interval seconds.
"""

import logging
import time

from django.db import DEFAULT_DB_ALIAS, OperationalError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult, get_date_max

from taskqueue.apps import CHANNEL

logger = logging.getLogger("django_tasks_db")


class Listener:
    """A connection of its own (psycopg, autocommit) that LISTENs on CHANNEL."""

    def __init__(self, alias=DEFAULT_DB_ALIAS):
        self.alias = alias
        self.connection = None

    def connect(self):
        import psycopg

        params = connections[self.alias].get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.connection = psycopg.connect(**params, autocommit=True)
        self.connection.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout):
        """Block until a notification or `timeout` seconds; True if one came. Drains the backlog."""
        if self.connection is None or self.connection.closed:
            self.connect()
        came = any(True for _ in self.connection.notifies(timeout=timeout, stop_after=1))
        if came:
            for _ in self.connection.notifies(timeout=0):
                pass
        return came

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def seconds_until_next_delayed(backend_name, limit):
    """Seconds until the earliest queued task that waits for its time (a retry), at most `limit`."""
    due = (DBTaskResult.objects.filter(backend_name=backend_name, status="READY")
           .exclude(run_after=get_date_max()).order_by("run_after").values_list("run_after", flat=True).first())
    if due is None:
        return limit
    return min(limit, max(0.0, (due - timezone.now()).total_seconds()))


class Command(db_worker.Command):
    help = ("Run the task worker (django-tasks-db's, with options unchanged). On PostgreSQL it sleeps "
            "until a task is queued (LISTEN/NOTIFY); elsewhere it polls every --interval seconds.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--idle-check", type=float, default=30.0,
                            help="On PostgreSQL, look at the queue at least this often even without a "
                                 "notification (default: %(default)s)")

    def handle(self, *, idle_check, **options):
        if options["batch"] or options["max_tasks"] or connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            return super().handle(**options)
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        worker = db_worker.Worker(
            queue_names=queue_names, interval=0, batch=True, backend_name=options["backend_name"],
            startup_delay=False, max_tasks=None, worker_id=options["worker_id"],
            excluded_queue_names=options["exclude_queues"].split(",") if options["exclude_queues"] else [],
        )
        worker.configure_signals()  # SIGTERM while waiting: exit at once; while working: after the task
        listener = Listener()
        logger.info("Starting worker worker_id=%s queues=%s, woken by NOTIFY %s", options["worker_id"],
                    ",".join(queue_names), CHANNEL)
        polling = False
        while worker.running:
            if listener.connection is None:
                try:
                    listener.connect()  # before looking at the queue: nothing queued after is missed
                    polling = False
                except Exception as error:  # the database is away: poll until it is back
                    if not polling:
                        logger.warning("cannot listen for tasks (%s); polling every %ss", error, options["interval"])
                    polling = True
            worker.run()  # every ready task, then back here
            close_old_connections()
            try:
                timeout = seconds_until_next_delayed(options["backend_name"], idle_check)
            except OperationalError:
                timeout = options["interval"]
            if listener.connection is None:
                time.sleep(min(timeout, options["interval"]))
                continue
            try:
                listener.wait(timeout)
            except Exception as error:
                logger.warning("lost the connection that listens for tasks (%s)", error)
                listener.close()
