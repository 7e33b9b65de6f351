from django.conf import settings
from django.core.management.base import BaseCommand

from comments.privacy import purge_personal_data


class Command(BaseCommand):
    help = ("Blank commenters' email addresses and client hashes, and delete spam and rejected comments, "
            "older than COMMENTS_RETENTION_DAYS. The scheduler (run_scheduler) does this hourly; this runs it now.")

    def handle(self, *args, **options):
        blanked, deleted = purge_personal_data()
        self.stdout.write(f"Comments older than {settings.COMMENTS_RETENTION_DAYS} days: personal data removed "
                          f"from {blanked}, {deleted} spam or rejected deleted.")
