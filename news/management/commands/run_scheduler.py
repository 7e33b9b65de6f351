"""A long-running process that publishes scheduled pages and unpublishes expired ones.

`make run` starts it beside the web server, so scheduled publishing works without a cron the user
must install. It runs Wagtail's own `publish_scheduled` every --interval seconds (default 30), so
a page goes live or expires at most one interval (plus the run itself) late.
"""

import logging
import signal
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from news.signals import scheduler_ran

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Publish scheduled and unpublish expired pages every --interval seconds until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between runs (default 30).")
        parser.add_argument("--once", action="store_true", help="Run once and exit.")

    def handle(self, interval, once, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            # Set the event from another thread: the handler runs in the main thread, which may hold
            # the event's lock (inside stop.wait()) at that moment, and stop.set() there would deadlock.
            signal.signal(signum, lambda *_: threading.Thread(target=stop.set).start())
        self.stdout.write(f"Scheduler: publishing scheduled pages every {interval:g}s")
        while not stop.is_set():
            started = time.monotonic()
            try:
                close_old_connections()
                call_command("publish_scheduled", stdout=self.stdout)
                scheduler_ran.send(sender=self.__class__, when=timezone.now())
            except Exception:
                # A failed run (database restarting, say) must not end the scheduler: try again next time.
                logger.exception("publish_scheduled failed; retrying in %ss", interval)
            if once:
                break
            stop.wait(max(0.0, interval - (time.monotonic() - started)))
        self.stdout.write("Scheduler stopped")
