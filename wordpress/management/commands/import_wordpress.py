from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.batching import batched_changes
from wordpress.importer import import_wordpress
from wordpress.sections import MappingError, read_mapping
from wordpress.wxr import WXRError


class Command(BaseCommand):
    help = "Import a WordPress export (WXR): posts, sections, tags, authors, pictures, old addresses " \
           "(see docs/wordpress.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The export file (WordPress: Tools → Export → All content).")
        parser.add_argument("--uploads", required=True,
                            help="The old site's wp-content/uploads folder, copied here (nothing is downloaded).")
        parser.add_argument("--sections", help="A .json or .csv file: WordPress category slug → section path.")

    def handle(self, path, uploads, sections, **options):
        if not Path(uploads).is_dir():
            raise CommandError(f"--uploads {uploads}: no such folder (copy the old site's wp-content/uploads here)")
        try:
            mapping = read_mapping(sections) if sections else {}
        except MappingError as exc:
            raise CommandError(str(exc)) from exc
        try:
            with batched_changes():  # one batch of public-index updates for the whole export
                report = import_wordpress(path, uploads, mapping, out=self.stdout.write)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        except WXRError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for post_id, message in report.errors:
            self.stderr.write(f"post {post_id}: {message} (skipped)")
        for post_id, what, why in report.missing_images:
            self.stdout.write(f"post {post_id}: image {what}: {why}")
        for post_id, message in report.warnings:
            self.stdout.write(f"post {post_id}: {message}")
        for old_path, why in report.redirect_problems:
            self.stdout.write(f"no redirect from {old_path}: {why}")
        for line in report.summary_lines():
            self.stdout.write(line)
        if report.errors:
            # Valid posts are in; a non-zero exit tells scripts that some need attention.
            raise SystemExit(1)
