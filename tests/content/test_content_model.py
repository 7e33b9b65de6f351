"""Page types: where they may be created, that they render and preview, and that editors can
create them through the admin's own form."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from home.models import HomePage
from news.models import ArticlePage, Author, SectionPage
from news.publishing import create_article


class PageTypeRulesTests(WagtailPageTestCase):
    def test_home_is_the_only_page_type_under_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {SectionPage})

    def test_one_home_per_site(self):
        root = Page.objects.get(depth=1)
        self.assertTrue(HomePage.objects.child_of(root).exists())
        self.assertFalse(HomePage.can_create_at(root))

    def test_sections_nest_under_home_and_sections_only(self):
        self.assertAllowedParentPageTypes(SectionPage, {HomePage, SectionPage})
        self.assertAllowedSubpageTypes(SectionPage, {SectionPage, ArticlePage})
        self.assertCanCreateAt(HomePage, SectionPage)
        self.assertCanCreateAt(SectionPage, SectionPage)

    def test_articles_only_under_sections_and_have_no_children(self):
        self.assertAllowedParentPageTypes(ArticlePage, {SectionPage})
        self.assertAllowedSubpageTypes(ArticlePage, set())
        self.assertCanCreateAt(SectionPage, ArticlePage)
        self.assertCanNotCreateAt(HomePage, ArticlePage)
        self.assertCanNotCreateAt(ArticlePage, ArticlePage)


class PageRenderingAndAdminTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = HomePage.objects.get()
        cls.world = SectionPage(title="World", slug="world")
        cls.home.add_child(instance=cls.world)
        cls.world.save_revision().publish()
        cls.europe = SectionPage(title="Europe", slug="europe")
        cls.world.add_child(instance=cls.europe)
        cls.europe.save_revision().publish()
        cls.author = Author.objects.create(name="Elena Rossi", slug="elena-rossi")
        cls.article = create_article(
            cls.europe, title="Ministers agree on joint gas purchasing", standfirst="A deal before winter.",
            authors=[cls.author], tags=["energy", "eu"],
            body=[{"type": "paragraph", "value": "<p>The agreement covers storage targets.</p>"},
                  {"type": "heading", "value": {"text": "What happens next", "level": "h2"}},
                  {"type": "pull_quote", "value": {"quote": "A good day for Europe.", "attribution": "A minister"}},
                  {"type": "internal_note", "value": "Check the storage figure with Brussels."}],
        )
        cls.admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_every_page_type_renders(self):
        for page in (self.home, self.world, self.europe, self.article):
            self.assertPageIsRenderable(page)

    def test_every_page_type_is_previewable(self):
        for page in (self.home, self.world, self.europe):
            self.assertPageIsPreviewable(page)
        # StreamField editors are drawn by JavaScript, so the article's form data is given here
        # the way the admin's JavaScript would post it.
        self.assertPageIsPreviewable(self.article, post_data=self.article_form_data(
            title="Ministers agree on joint gas purchasing (draft)"))

    def article_form_data(self, **fields):
        return nested_form_data({
            "title": "An article", "slug": self.article.slug, "standfirst": "A standfirst.",
            "article_authors": inline_formset([{"author": self.author.pk}]),
            "body": streamfield([("paragraph", rich_text("<p>Body text.</p>"))]),
            "tags": "energy",
            **fields,
        })

    def test_article_page_shows_what_readers_need(self):
        response = self.client.get(self.article.url)
        html = response.content.decode()
        self.assertContains(response, "Ministers agree on joint gas purchasing")
        self.assertContains(response, "A deal before winter.")
        self.assertContains(response, 'href="/authors/elena-rossi/"')
        self.assertContains(response, "1 min read")
        self.assertContains(response, "What happens next")
        self.assertContains(response, "A good day for Europe.")
        self.assertNotIn("Check the storage figure", html, "internal notes are never shown to readers")
        # Breadcrumb: World > Europe
        self.assertLess(html.index('href="/world/"'), html.index('href="/world/europe/"'))

    def test_section_lists_articles_of_its_subsections(self):
        response = self.client.get(self.world.url)
        self.assertContains(response, "Ministers agree on joint gas purchasing")
        self.assertContains(response, 'href="/world/europe/"')

    def test_author_page_lists_their_live_articles(self):
        create_article(self.europe, title="An unpublished draft about gas", authors=[self.author], publish=False)
        response = self.client.get("/authors/elena-rossi/")
        self.assertContains(response, "Elena Rossi")
        self.assertContains(response, "Ministers agree on joint gas purchasing")
        self.assertNotContains(response, "unpublished draft")
        self.assertEqual(self.client.get("/authors/nobody/").status_code, 404)

    def test_editor_creates_a_section_through_the_admin_form(self):
        self.assertCanCreate(self.world, SectionPage, nested_form_data({
            "title": "Africa", "slug": "africa", "intro": "Reports from across Africa.",
        }))
        self.assertTrue(SectionPage.objects.get(slug="africa").live)

    def test_editor_creates_an_article_through_the_admin_form(self):
        self.assertCanCreate(self.europe, ArticlePage, nested_form_data({
            "title": "Flood defences hold in the Po valley",
            "slug": "flood-defences-hold",
            "standfirst": "Engineers said the new barriers worked.",
            "article_authors": inline_formset([{"author": self.author.pk}]),
            "body": streamfield([
                ("paragraph", rich_text("<p>Water levels peaked overnight.</p>")),
                ("heading", {"text": "Reaction", "level": "h2"}),
                ("fact_box", {"title": "Key facts", "body": rich_text("<p>Three towns evacuated.</p>")}),
                ("pull_quote", {"quote": "The barriers held.", "attribution": "An engineer"}),
                ("embed", "https://example.com/flood-video"),
                ("internal_note", "Photo desk is sending pictures."),
            ]),
            "tags": "floods, italy",
            "breaking": "on",
        }))
        article = ArticlePage.objects.get(slug="flood-defences-hold")
        self.assertTrue(article.live)
        self.assertEqual(article.authors, [self.author])
        self.assertEqual(sorted(article.tags.names()), ["floods", "italy"])
        self.assertEqual([b.block_type for b in article.body],
                         ["paragraph", "heading", "fact_box", "pull_quote", "embed", "internal_note"])
        self.assertEqual(article.published_date, article.first_published_at)
        self.assertTrue(article.breaking)
        # The embed cannot be fetched (no provider for that URL): readers get a plain link instead.
        self.assertContains(self.client.get(article.url),
                            '<a href="https://example.com/flood-video">https://example.com/flood-video</a>')

    def test_an_article_needs_an_author(self):
        data = nested_form_data({"title": "No byline", "slug": "no-byline", "article_authors": inline_formset([]),
                                 "body": streamfield([]), "action-publish": "action-publish"})
        url = reverse("wagtailadmin_pages:add", args=["news", "articlepage", self.europe.pk])
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)  # the form comes back with errors
        self.assertFalse(ArticlePage.objects.filter(slug="no-byline").exists())
        self.assertIn("article_authors", response.context["form"].formsets)
        self.assertTrue(response.context["form"].formsets["article_authors"].non_form_errors())


@pytest.mark.django_db
def test_reading_time_counts_body_words_but_not_internal_notes(section, make_article):
    words = " ".join(["word"] * 1150)  # 1150 words at 230 a minute: 5 minutes
    article = make_article("Long read", body=f"<p>{words}</p>")
    assert article.reading_time == 5
    article = make_article("Short with long note", body=[
        {"type": "paragraph", "value": "<p>Just a few words here.</p>"},
        {"type": "internal_note", "value": " ".join(["note"] * 2000)},
    ])
    assert article.reading_time == 1
    article.refresh_from_db()
    assert article.body_plain == "Just a few words here.", "kept for search, without the internal note"


@pytest.mark.django_db
def test_published_date_defaults_to_first_publication_and_stays(make_article):
    article = make_article("Dated story")
    assert article.published_date == article.first_published_at
    first = article.published_date
    article.standfirst = "Corrected."
    article.save_revision().publish()
    article.refresh_from_db()
    assert article.published_date == first, "republishing must not move the date readers see"


@pytest.mark.django_db
def test_editors_can_set_an_updated_date_for_corrections(client, make_article):
    article = make_article("Corrected story")
    article.updated_date = article.published_date.replace(year=article.published_date.year + 1)
    article.save_revision().publish()
    response = client.get(article.url)
    assert "Updated" in response.content.decode()


@pytest.mark.opensearch
def test_body_blocks_are_searchable_but_internal_notes_are_not(search_backend, make_article):
    make_article("Harbour reopens", body=[
        {"type": "paragraph", "value": "<p>Fishermen returned to the quayside.</p>"},
        {"type": "fact_box", "value": {"title": "Facts", "body": "<p>The breakwater cost millions.</p>"}},
        {"type": "pull_quote", "value": {"quote": "We are back in business.", "attribution": "A skipper"}},
        {"type": "internal_note", "value": "Embargoed detail zanzibarian must not be searchable."},
    ])
    search_backend.refresh_indexes()
    live = ArticlePage.objects.live()
    assert [a.title for a in live.search("quayside")] == ["Harbour reopens"]
    assert [a.title for a in live.search("breakwater")] == ["Harbour reopens"]
    assert [a.title for a in live.search("skipper")] == ["Harbour reopens"]
    assert list(live.search("zanzibarian")) == []


@pytest.mark.opensearch
def test_authors_and_tags_are_searchable(search_backend, make_article):
    make_article("Budget vote delayed", tags=["parliament"])
    search_backend.refresh_indexes()
    assert [a.title for a in ArticlePage.objects.live().search("Okafor")] == ["Budget vote delayed"]
    assert [a.title for a in ArticlePage.objects.live().search("parliament")] == ["Budget vote delayed"]
