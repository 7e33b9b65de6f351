"""Preview modes (core/previews.py): every mode of every page type previews through the admin, each
shows what an editor needs to see before publishing, a live article's draft is told apart from
the live version, and no preview is ever cached or indexed."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from core.previews import PREVIEW_MODES, draft_response_headers
from home.models import HomePage
from news.models import Author, SectionPage
from news.publishing import create_article

MODES = [name for name, _ in PREVIEW_MODES]
LONG_HEADLINE = ("Ministers agree on joint gas purchasing after a night of talks that ran far past the "
                 "deadline in Brussels")  # 103 characters: over the title tag's 60 and the card's 70
LONG_DESCRIPTION = ("The deal covers storage targets, joint buying and a price cap. " * 4).strip()  # 251 characters


class PreviewModesTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = HomePage.objects.get()
        cls.world = SectionPage(title="World", slug="world", intro="News from everywhere.")
        cls.home.add_child(instance=cls.world)
        cls.world.save_revision().publish()
        cls.europe = SectionPage(title="Europe", slug="europe")
        cls.world.add_child(instance=cls.europe)
        cls.europe.save_revision().publish()
        cls.author = Author.objects.create(name="Elena Rossi", slug="elena-rossi")
        cls.article = create_article(
            cls.europe, title="Gas deal agreed", standfirst="A deal before winter.", authors=[cls.author],
            body=[{"type": "paragraph", "value": "<p>The agreement covers storage targets.</p>"}], publish=False,
        )
        cls.admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")

    def setUp(self):
        self.client.force_login(self.admin)

    def article_form_data(self, **fields):
        """The edit form as the admin's JavaScript posts it (StreamField editors are drawn by JS)."""
        return nested_form_data({
            "title": "Gas deal agreed", "slug": self.article.slug, "standfirst": "A deal before winter.",
            "article_authors": inline_formset(
                [{"id": link.pk, "author": link.author_id} for link in self.article.article_authors.all()],
                initial=self.article.article_authors.count()),
            "body": streamfield([("paragraph", rich_text("<p>The agreement covers storage targets.</p>"))]),
            "tags": "energy",
            **fields,
        })

    def preview(self, page, mode, data=None):
        """The admin's preview panel: post the edit form, then load the preview in `mode`."""
        url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
        posted = self.client.post(url, data if data is not None else self.article_form_data(),
                                  QUERYSTRING=f"mode={mode}")
        self.assertJSONEqual(posted.content, {"is_valid": True, "is_available": True})
        response = self.client.get(url, {"mode": mode})
        self.assertEqual(response.status_code, 200)
        return response

    # Every mode previews

    def test_every_page_type_offers_the_three_modes(self):
        for page in (self.home, self.world, self.article):
            self.assertEqual([name for name, _ in page.specific.preview_modes], ["", "search", "social"])
            self.assertEqual(page.specific.default_preview_mode, "")

    def test_every_mode_of_every_page_type_is_previewable(self):
        for mode in MODES:
            self.assertPageIsPreviewable(self.home, mode=mode)
            self.assertPageIsPreviewable(self.world, mode=mode)
            self.assertPageIsPreviewable(self.europe, mode=mode)
            self.assertPageIsPreviewable(self.article, mode=mode, post_data=self.article_form_data())

    def test_preview_panel_offers_device_sizes(self):
        # Wagtail's own mobile/tablet/desktop switch, unchanged, for reader pages.
        self.assertEqual([size["name"] for size in self.article.preview_sizes], ["mobile", "tablet", "desktop"])
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.article.pk]))
        for label in ("Preview in mobile size", "Preview in desktop size", "Search result", "Social card"):
            self.assertContains(response, label)

    # The page as readers see it

    def test_default_mode_shows_the_draft_as_readers_will_see_it(self):
        response = self.preview(self.article, "", self.article_form_data(title="Gas deal agreed at last"))
        self.assertContains(response, "<h1>Gas deal agreed at last</h1>", html=True)
        self.assertContains(response, "A deal before winter.")
        self.assertContains(response, "Preview — As readers see it.")
        self.assertContains(response, "Not yet published")

    # Search result

    def test_search_mode_shows_the_result_as_our_search_and_a_search_engine_show_it(self):
        html = self.preview(self.article, "search").content.decode()
        self.assertIn("Preview — Search result.", html)
        self.assertIn('<a href="http://localhost/world/europe/gas-deal-agreed/">Gas deal agreed</a>', html)
        self.assertIn("<span>Europe</span>", html)
        self.assertIn("By Elena Rossi\n", html)
        self.assertIn('<p class="search-result__snippet">A deal before winter.</p>', html)
        # Until publishing sets the date, readers' date is the latest revision's.
        self.assertIn(f'{self.article.latest_revision_created_at:%-d %B %Y}</time>', html)
        self.assertIn("Gas deal agreed | Newsroom", html)  # the title tag
        self.assertNotIn("preview-warning", html)

    def test_search_mode_shows_the_published_date(self):
        self.article.save_revision().publish()
        self.article.refresh_from_db()
        html = self.preview(self.article, "search").content.decode()
        self.assertIn(f'<time datetime="{self.article.published_date.isoformat()}">', html)
        self.assertIn(self.article.published_date.strftime("%-d %B %Y"), html)

    def test_search_mode_warns_of_a_title_and_description_too_long(self):
        html = self.preview(self.article, "search", self.article_form_data(
            title=LONG_HEADLINE, search_description=LONG_DESCRIPTION)).content.decode()
        title_tag = f"{LONG_HEADLINE} | Newsroom"
        self.assertIn(f"The title is {len(title_tag)} characters; only about the first 60", html)
        self.assertIn(f"The meta description is {len(LONG_DESCRIPTION)} characters; only about the first 160", html)

    def test_search_snippet_falls_back_to_the_start_of_the_body(self):
        html = self.preview(self.article, "search", self.article_form_data(standfirst="")).content.decode()
        self.assertIn('<p class="search-result__snippet">The agreement covers storage targets.</p>', html)

    def test_search_mode_of_a_section_shows_the_web_result_only(self):
        html = self.preview(self.world, "search", nested_form_data(
            {"title": "World", "slug": "world", "intro": "News from everywhere."})).content.decode()
        self.assertNotIn("search-result__meta", html)
        self.assertIn("World | Newsroom", html)
        self.assertIn("News from everywhere.", html)

    # Social card

    def test_social_mode_shows_the_open_graph_card_and_warns_without_an_image(self):
        html = self.preview(self.article, "social").content.decode()
        self.assertIn("Preview — Social card.", html)
        self.assertIn('<p class="social-card__title">Gas deal agreed</p>', html)
        self.assertIn('<p class="social-card__description">A deal before winter.</p>', html)
        self.assertIn("http://localhost/world/europe/gas-deal-agreed/", html)
        self.assertIn("No image: the card will be shown without a picture.", html)
        self.assertIn("<dt>twitter:card</dt><dd>summary</dd>", html)

    def test_social_mode_shows_the_image_the_og_tags_name(self):
        image = get_image_model().objects.create(title="Storage tanks", file=get_test_image_file())
        html = self.preview(self.article, "social", self.article_form_data(social_image=image.pk)).content.decode()
        rendition = image.get_rendition("fill-1200x630|format-jpeg")
        self.assertIn(f'src="http://localhost{rendition.url}"', html)
        self.assertNotIn("No image", html)

    def test_social_mode_warns_of_a_long_headline_and_a_missing_description(self):
        html = self.preview(self.article, "social", self.article_form_data(
            title=LONG_HEADLINE, standfirst="")).content.decode()
        self.assertIn(f"The headline is {len(LONG_HEADLINE)} characters; social cards show about 70", html)
        self.assertIn(f'<p class="social-card__title">{LONG_HEADLINE[:69]}…</p>', html)
        self.assertIn("No description:", html)

    def test_social_mode_of_home_and_section_pages(self):
        html = self.preview(self.home, "social", nested_form_data(
            {"title": self.home.title, "slug": self.home.slug,
             "hot_items": inline_formset([]), "editors_picks": inline_formset([])})).content.decode()
        self.assertIn("this page type has no image of its own", html)
        html = self.preview(self.world, "social", nested_form_data(
            {"title": "World", "slug": "world", "intro": "News from everywhere."})).content.decode()
        self.assertIn('<p class="social-card__title">World</p>', html)
        self.assertIn('<p class="social-card__description">News from everywhere.</p>', html)

    # A live article with a newer draft

    def test_live_article_with_a_newer_draft(self):
        self.article.save_revision().publish()
        self.article.refresh_from_db()
        draft = self.article.get_latest_revision_as_object()
        draft.title = "Gas deal collapses"
        draft.save_revision()

        public = self.client.get(self.article.url)
        self.assertContains(public, "Gas deal agreed")
        self.assertNotContains(public, "Gas deal collapses")
        self.assertNotContains(public, "Preview —")

        published = self.article.last_published_at.strftime("%-d %B %Y")
        for mode in MODES:
            with self.subTest(mode=mode):
                response = self.client.get(reverse("wagtailadmin_pages:view_draft", args=[self.article.pk]),
                                           {"mode": mode})
                self.assertContains(response, "Gas deal collapses")
                self.assertContains(response, "Preview of the latest draft — the live page shows the version "
                                              "published on")
                self.assertContains(response, published)
                self.assertContains(response, "this draft has changes that are not published yet")

    # Never cached, never indexed

    def test_every_preview_is_never_cached_nor_indexed(self):
        for page, data in ((self.article, None), (self.world, nested_form_data({"title": "World", "slug": "world"}))):
            for mode in MODES:
                with self.subTest(page=page.title, mode=mode):
                    response = self.preview(page, mode, data)
                    cache_control = response["Cache-Control"]
                    self.assertIn("no-store", cache_control)
                    self.assertIn("private", cache_control)
                    self.assertNotIn("public", cache_control)
                    self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")

    def test_a_preview_without_an_editor_has_no_editors_bar(self):
        # E.g. a draft rendered for someone without an account: the headers still apply.
        response = self.article.make_preview_request(preview_mode="social")
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertNotIn(b"preview-bar", response.content)

    def test_draft_response_headers(self):
        from django.http import HttpResponse

        response = HttpResponse()
        response["Cache-Control"] = "public, max-age=600"
        draft_response_headers(response)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("private", response["Cache-Control"])
        self.assertNotIn("public", response["Cache-Control"])
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")

