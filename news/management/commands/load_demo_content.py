"""Demo content for `make run`, and large corpora for benchmarks.

    manage.py load_demo_content                   # the demo newsroom: sections, authors, pictures, the
                                                  # written collection (news/demo/corpus/), special states
    manage.py load_demo_content --articles 100000 # generated articles instead (benchmarks; bulk mode,
                                                  # then update_index)

Deterministic: the collection is fixed; generated articles follow --seed. Does nothing when articles
already exist (use --force to add more).
"""

import time

from django.core.management.base import BaseCommand

from core.batching import batched_changes
from news.demo import corpus
from news.demo.bulk import bulk_generate
from news.demo.generator import DemoNewsroom, demo_is_loaded
from news.importer import home_page
from news.signals import demo_content_loaded

BULK_ABOVE = 2000


class Command(BaseCommand):
    help = "Load the demo newsroom (idempotent), or --articles N generated articles for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=None,
                            help="Generate this many articles from templates instead of loading the written "
                                 "collection (for bulk corpora and benchmarks).")
        parser.add_argument("--seed", type=int, default=42, help="Seed for generated articles.")
        parser.add_argument("--force", action="store_true", help="Add articles even if some exist.")
        parser.add_argument(
            "--bulk", action="store_true",
            help="With --articles: write them in batches straight into the tables (on by default above "
                 f"{BULK_ABOVE}). Skips revisions and per-article indexing: run update_index afterwards.")

    def handle(self, articles, seed, force, bulk, **options):
        if demo_is_loaded() and not force:
            self.stdout.write("Demo content already loaded; nothing to do (use --force to add more).")
            return
        home = home_page()
        if home is None:
            self.stderr.write("No home page: run `manage.py migrate` first.")
            raise SystemExit(1)
        started = time.monotonic()
        demo = DemoNewsroom(home, seed=seed, out=self.stdout.write)
        # One batch of public-index updates at the end, not one per published article.
        with batched_changes():
            if articles is None:
                self.stdout.write(f"The demo collection ({len(corpus.records())} articles):")
                count, seconds = corpus.load(demo, out=self.stdout.write)
                demo.generate_unpublished_states(changed=corpus.CHANGED_ARTICLE)
            elif bulk or articles > BULK_ABOVE:
                self.stdout.write(f"Bulk mode: {articles} articles in batches; run `manage.py update_index` "
                                  "and `manage.py search_index rebuild` afterwards.")
                count, seconds = bulk_generate(demo, articles, out=self.stdout.write)
                demo.generate_unpublished_states()
            else:
                count, seconds = demo.generate(articles)
                demo.generate_unpublished_states()
        if articles is None:
            demo_content_loaded.send(sender=self.__class__, home=home, out=self.stdout.write)
        self.stdout.write(
            f"Created {count} published articles in {seconds:.1f}s ({count / max(seconds, 0.001):.0f} articles/s), "
            f"plus drafts, a scheduled, an expired, a private article and one with unpublished changes; "
            f"total {time.monotonic() - started:.1f}s."
        )
