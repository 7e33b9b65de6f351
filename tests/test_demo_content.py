"""The demo newsroom: every section, enough authors and articles, and each unpublished state."""

import io
from datetime import timedelta
from types import SimpleNamespace

from django.core.management import call_command
from django.test import TestCase
from wagtail.models import Page

from news.blocks import ArticleBodyBlock
from news.demo.generator import DemoNewsroom
from news.demo.vocabulary import SECTIONS
from news.models import ArticlePage, Author, SectionPage


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
