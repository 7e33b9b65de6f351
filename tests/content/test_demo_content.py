"""The demo newsroom: every section, enough authors and articles, and each unpublished state."""

import html
import io
import json
import re
from datetime import timedelta
from types import SimpleNamespace

from django.core.management import call_command
from django.test import TestCase
from wagtail.models import Page

from news.blocks import ArticleBodyBlock
from news.demo import corpus
from news.demo.generator import DemoNewsroom
from news.demo.vocabulary import SECTIONS
from news.models import ArticlePage, Author, SectionPage
from trending.models import ArticleDailyViews
from trending.queries import top_trending


class DemoContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Loaded once for the class (and rolled back after it): it is the slow part.
        call_command("load_demo_content", "--articles", "24", stdout=io.StringIO())

    def test_every_section_of_the_seed_site_exists(self):
        titles = set(SectionPage.objects.live().values_list("title", flat=True))
        for title, _, children in SECTIONS:
            self.assertIn(title, titles)
            for child, _ in children:
                self.assertEqual(SectionPage.objects.get(title=child).get_parent().title, title)

    def test_articles_authors_tags_images_and_blocks(self):
        live = ArticlePage.objects.live().public()
        self.assertEqual(live.count(), 24 + 1)  # plus the live article that has unpublished changes
        self.assertGreaterEqual(Author.objects.count(), 10)
        self.assertTrue(all(a.authors and a.lead_image_id and list(a.tags.names()) for a in live))
        block_types = {block.block_type for a in live for block in a.body}
        self.assertEqual(block_types, set(ArticleBodyBlock().child_blocks), "the demo shows every block type")
        dates = sorted(live.values_list("published_date", flat=True))
        self.assertGreater(dates[-1] - dates[0], timedelta(days=30), "articles are spread over the year")

    def test_each_unpublished_state_is_present(self):
        drafts = ArticlePage.objects.filter(live=False, first_published_at__isnull=True, go_live_at__isnull=True)
        self.assertEqual(drafts.count(), 3)
        scheduled = ArticlePage.objects.get(title__startswith="Embargoed")
        self.assertFalse(scheduled.live)
        self.assertIsNotNone(scheduled.latest_revision.approved_go_live_at)
        expired = ArticlePage.objects.get(title__startswith="Flu clinic")
        self.assertTrue(expired.expired)
        self.assertFalse(expired.live)
        private = ArticlePage.objects.get(title__startswith="Private:")
        self.assertTrue(private.live)
        self.assertFalse(ArticlePage.objects.public().filter(pk=private.pk).exists())
        changed = ArticlePage.objects.get(title="Northwind Bank names new chief executive")
        self.assertTrue(changed.live and changed.has_unpublished_changes)
        self.assertTrue(changed.get_latest_revision_as_object().title.startswith("Northwind Bank chief executive"))

    def test_loading_twice_adds_nothing(self):
        before = Page.objects.count()
        call_command("load_demo_content", "--articles", "24", stdout=io.StringIO())
        self.assertEqual(Page.objects.count(), before)


def test_generator_is_deterministic_for_a_seed():
    def titles(seed):
        demo = DemoNewsroom(home=None, seed=seed, now=None)
        images = [SimpleNamespace(pk=1)]
        return [demo.article_fields("Politics", ["a", "b"], images, timedelta(days=n))["title"] for n in range(20)]

    assert titles(7) == titles(7)
    assert titles(7) != titles(8)


class WrittenCollectionTests(TestCase):
    """The demo newsroom `make run` loads: the written collection (news/demo/corpus/)."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo_content", stdout=io.StringIO())

    def test_every_article_of_the_collection_is_live_with_its_byline_and_picture(self):
        records = corpus.records()
        live = ArticlePage.objects.live().public()
        self.assertEqual(set(live.values_list("external_id", flat=True)), {r["id"] for r in records})
        article = live.select_related("lead_image").get(external_id=records[0]["id"])
        self.assertEqual(article.title, records[0]["title"])
        self.assertEqual(article.published_date.isoformat().replace("+00:00", "Z"), records[0]["published_at"])
        self.assertEqual([a.name for a in article.authors], records[0]["authors"])
        self.assertTrue(article.lead_image_id and article.body_plain)
        bylines = Author.objects.filter(article_links__isnull=False).distinct()
        self.assertTrue(all(author.role and author.bio for author in bylines), "journalists have roles and bios")

    def test_the_special_states_are_there_and_the_changed_article_is_the_collections_own(self):
        self.assertEqual(ArticlePage.objects.filter(live=False, first_published_at__isnull=True,
                                                    go_live_at__isnull=True).count(), 3)
        self.assertFalse(ArticlePage.objects.get(title__startswith="Embargoed").live)
        self.assertTrue(ArticlePage.objects.get(title__startswith="Flu clinic").expired)
        changed = ArticlePage.objects.get(external_id=corpus.CHANGED_ARTICLE)
        self.assertTrue(changed.live and changed.has_unpublished_changes)
        self.assertEqual(changed.get_latest_revision_as_object().title,
                         "Northwind Bank chief executive resigns after one week")
        self.assertFalse(ArticlePage.objects.filter(title="Northwind Bank names new chief executive").exists())

    def test_loading_twice_adds_nothing(self):
        before = Page.objects.count()
        call_command("load_demo_content", stdout=io.StringIO())
        self.assertEqual(Page.objects.count(), before)

    def test_top_trending_is_not_empty_and_counts_only_what_readers_can_see(self):
        trending = top_trending(limit=5)
        self.assertEqual(len(trending), 5)
        visible = set(ArticlePage.objects.visible().values_list("pk", flat=True))
        self.assertTrue(ArticleDailyViews.objects.exists())
        # No views for the demo's private, draft, scheduled and expired articles.
        self.assertFalse(ArticleDailyViews.objects.exclude(article_id__in=visible).exists())


def test_the_written_collection_reads_like_a_newsroom():
    """What the collection promises (news/demo/corpus/README.md): every section, 2024-2026, 150-1,200
    words, unique ids, bylines from authors.json, recurring events across years."""
    records = corpus.records()
    assert len(records) >= 150 and len({r["id"] for r in records}) == len(records)
    sections = {r["section"] for r in records}
    assert sections == {"politics", "business", "sports", "entertainment", "health", "tech", "weather",
                        "world/europe", "world/americas", "world/africa", "world/asia-pacific"}
    assert {r["published_at"][:4] for r in records} == {"2024", "2025", "2026"}
    names = {a["name"] for a in json.loads(corpus.AUTHORS_PATH.read_text())}
    assert all(set(r["authors"]) <= names for r in records)
    for record in records:
        text = " ".join([record["standfirst"]] + [json.dumps(b["value"], ensure_ascii=False) for b in record["body"]])
        words = len(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", text)))
        assert 150 <= words <= 1300, (record["id"], words)  # 1,200 words of prose, plus block labels
    budgets = [r for r in records if "budget" in r["tags"] and r["section"] == "politics"]
    assert {r["published_at"][:4] for r in budgets} == {"2024", "2025", "2026"}


def test_the_bulk_generator_writes_articles_like_published_ones(db, client):
    """`load_demo_content --bulk` (benchmark corpora) writes rows straight into the tables: the page
    tree must stay consistent and each article must serve and list like one published in the admin."""
    before = set(ArticlePage.objects.values_list("pk", flat=True))
    call_command("load_demo_content", "--articles", "40", "--bulk", stdout=io.StringIO())
    bulk = ArticlePage.objects.exclude(pk__in=before).filter(latest_revision__isnull=True)
    assert bulk.count() == 40
    assert Page.find_problems() == ([], [], [], [], [])  # treebeard: paths, depths, numchild all agree
    assert set(bulk.values_list("pk", flat=True)) <= set(ArticlePage.objects.visible().values_list("pk", flat=True))
    for article in bulk.order_by("pk")[:5]:
        parent = article.get_parent().specific
        assert isinstance(parent, SectionPage) and article.url_path == f"{parent.url_path}{article.slug}/"
        response = client.get(article.url)
        assert response.status_code == 200 and html.escape(article.title).encode() in response.content
        assert article.reading_time >= 1 and article.body_plain
    slugs = list(bulk.values_list("path", "slug"))
    assert len({(path[:-Page.steplen], slug) for path, slug in slugs}) == len(slugs)  # unique among siblings
