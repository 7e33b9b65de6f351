"""Demo content for `make run`, and large corpora for benchmarks.

    manage.py load_demo_content                   # sections, 14 authors, 24 images, 320 articles, special states
    manage.py load_demo_content --articles 100000 # a big corpus for benchmarks (bulk mode, then update_index)

Deterministic for a given --seed. Does nothing when articles already exist (use --force to add more).
"""

import time

from django.core.management.base import BaseCommand

from home.models import HomePage
from news.demo.bulk import bulk_generate
from news.demo.generator import DemoNewsroom, demo_is_loaded
from search.signals import batched_index_updates

BULK_ABOVE = 2000


class Command(BaseCommand):
    help = "Load a seeded demo newsroom (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=320, help="Published articles to create (default 320).")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--force", action="store_true", help="Add articles even if some exist.")
        parser.add_argument(
            "--bulk", action="store_true",
            help="Write articles in batches straight into the tables (benchmark corpora; on by default above "
                 f"{BULK_ABOVE} articles). Skips revisions and per-article indexing: run update_index afterwards.")

    def handle(self, articles, seed, force, bulk, **options):
        if demo_is_loaded() and not force:
            self.stdout.write("Demo content already loaded; nothing to do (use --force to add more).")
            return
        home = HomePage.objects.first()
        if home is None:
            self.stderr.write("No home page: run `manage.py migrate` first.")
            raise SystemExit(1)
        started = time.monotonic()
        demo = DemoNewsroom(home, seed=seed, out=self.stdout.write)
        # One batch of public-index updates at the end, not one per published article.
        with batched_index_updates():
            if bulk or articles > BULK_ABOVE:
                self.stdout.write(f"Bulk mode: {articles} articles in batches; run `manage.py update_index` "
                                  "and `manage.py search_index rebuild` afterwards.")
                count, seconds = bulk_generate(demo, articles, out=self.stdout.write)
            else:
                count, seconds = demo.generate(articles)
            demo.generate_unpublished_states()
        self.stdout.write(
            f"Created {count} published articles in {seconds:.1f}s ({count / seconds:.0f} articles/s), "
            f"plus drafts, a scheduled, an expired, a private article and one with unpublished changes; "
            f"total {time.monotonic() - started:.1f}s."
        )
