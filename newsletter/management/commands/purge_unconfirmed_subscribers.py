from datetime import timedelta

from django.core.management.base import BaseCommand

from newsletter.models import Subscriber


class Command(BaseCommand):
    help = "Delete newsletter signups never confirmed within --days days (default 30): no consent, no data."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, days, **options):
        deleted = Subscriber.objects.purge_unconfirmed(older_than=timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} unconfirmed signup(s) older than {days} days.")
