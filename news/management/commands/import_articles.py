from django.core.management.base import BaseCommand, CommandError

from core.batching import batched_changes
from news.importer import import_jsonl


class Command(BaseCommand):
    help = "Import articles from a JSON Lines file (format: see docs/editors.md, 'Importing an archive')."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .jsonl file.")
        parser.add_argument("--images-dir", help="Where relative image paths start (default: the file's folder).")

    def handle(self, path, images_dir, **options):
        try:
            with batched_changes():  # one batch of public-index updates for the whole file
                report = import_jsonl(path, images_dir)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        for number, message in report.errors:
            self.stderr.write(f"line {number}: {message} (skipped)")
        for number, external_id in report.skipped_existing:
            self.stdout.write(f"line {number}: id {external_id!r} already imported (skipped)")
        self.stdout.write(report.summary())
        if report.errors:
            # Valid records are in; a non-zero exit tells scripts that some lines need attention.
            raise SystemExit(1)
