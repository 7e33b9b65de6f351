"""The demo newsroom's articles: an original collection written like real news (news/demo/corpus/),
imported through the same path as an editor's archive (news.importer), with locally drawn pictures.

It is also the collection search relevance is judged on (search/relevance/): its article ids are the
importer's external ids, stable on every database.
"""

import json
import time
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from ..importer import RecordError, import_record
from ..models import ArticlePage, Author

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
ARTICLES_PATH = CORPUS_DIR / "articles.jsonl"
AUTHORS_PATH = CORPUS_DIR / "authors.json"
BATCH = 25
# The live article that gets unpublished changes (a draft revision waiting for approval), so editors
# and tests see a live page whose draft says something else.
CHANGED_ARTICLE = "bus-2026-07-northwind-achterberg-appointed"


def records(path=ARTICLES_PATH):
    """The collection's articles, oldest first (the order they are published in)."""
    with open(path, encoding="utf-8") as handle:
        items = [json.loads(line) for line in handle if line.strip()]
    return sorted(items, key=lambda record: (record["published_at"], record["id"]))


def ensure_authors(path=AUTHORS_PATH):
    """The collection's journalists, with their roles and biographies (the importer would create
    bare authors from byline names alone)."""
    authors = []
    for item in json.loads(Path(path).read_text(encoding="utf-8")):
        slug = item.get("slug") or slugify(item["name"])
        author, _ = Author.objects.get_or_create(slug=slug, defaults={
            key: value for key, value in item.items() if key != "slug"})
        authors.append(author)
    return authors


def load(demo, out=print):
    """Import every article of the collection that is not there yet. Returns (count, seconds)."""
    demo.ensure_sections()
    ensure_authors()
    images = demo.ensure_images()
    existing = set(ArticlePage.objects.exclude(external_id=None).values_list("external_id", flat=True))
    pending = [(n, record) for n, record in enumerate(records()) if record["id"] not in existing]
    started, done = time.monotonic(), 0
    for first in range(0, len(pending), BATCH):
        # One transaction per batch: far fewer disk syncs than one per save.
        with transaction.atomic():
            for n, record in pending[first:first + BATCH]:
                try:
                    import_record(record, CORPUS_DIR, lead_image=images[n % len(images)])
                except RecordError as error:  # the collection is checked by its test; say which one if not
                    raise RecordError(f"demo article {record['id']}: {error}") from error
                done += 1
        out(f"  {done}/{len(pending)} articles ({done / (time.monotonic() - started):.0f}/s)")
    return done, time.monotonic() - started
