from django.core.management.base import BaseCommand

from comments.privacy import delete_by_email


class Command(BaseCommand):
    help = "Delete every comment sent with an email address (and the replies to them): an erasure request."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        deleted = delete_by_email(email)
        self.stdout.write(f"Deleted {deleted} comment{'s' if deleted != 1 else ''} sent with that address.")
