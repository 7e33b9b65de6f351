"""The content model: sections, articles and authors.

This app knows nothing about how content is searched beyond Wagtail's search_fields; the public
index lives in the search app.
"""

import functools
import re
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import strip_tags
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.previews import PreviewModesMixin
from core.visibility import ReaderPageManager, ViewRestrictionsMixin

from .blocks import ArticleBodyBlock
from .text import publishable
from .widgets import HeadlineInput

WORDS_PER_MINUTE = 230  # adult silent reading speed for news prose
ARTICLES_PER_PAGE = 20


def cards(articles):
    from .listing import cards as listing_cards  # listing imports the models below

    return listing_cards(articles)


def paginate(request, queryset, per_page=ARTICLES_PER_PAGE):
    """One page of a listing from ?page=N; out-of-range or junk page numbers give the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# Newest first; an article made live without going through publishing has no published_date and
# sorts last rather than first (PostgreSQL puts NULLs first in descending order by default).
# Migration news.0003 adds the matching index.
NEWEST_FIRST = models.F("published_date").desc(nulls_last=True)


class Author(index.Indexed, models.Model):
    """A journalist. A snippet edited under Snippets > Authors, with a public page at /authors/<slug>/."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the author's page address.")
    role = models.CharField(max_length=120, blank=True, help_text="E.g. Political correspondent.")
    bio = RichTextField(blank=True, features=["bold", "italic", "link"])
    photo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    x_url = models.URLField("X (Twitter)", blank=True)
    linkedin_url = models.URLField("LinkedIn", blank=True)
    instagram_url = models.URLField("Instagram", blank=True)
    mastodon_url = models.URLField("Mastodon", blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldPanel("role"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        MultiFieldPanel(
            [FieldPanel("email"), FieldPanel("website"), FieldPanel("x_url"), FieldPanel("linkedin_url"),
             FieldPanel("instagram_url"), FieldPanel("mastodon_url")],
            heading="Contact and social links",
        ),
    ]

    search_fields = [
        index.SearchField("name", boost=2),
        index.AutocompleteField("name"),
        index.SearchField("bio"),
        index.FilterField("slug"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("author", kwargs={"slug": self.slug})

    @property
    def social_links(self):
        links = [("Website", self.website), ("X", self.x_url), ("LinkedIn", self.linkedin_url),
                 ("Instagram", self.instagram_url), ("Mastodon", self.mastodon_url)]
        return [(label, url) for label, url in links if url]

    def articles(self):
        return ArticlePage.objects.visible().filter(article_authors__author=self).order_by(NEWEST_FIRST).distinct()


# Sections start at depth 3 of the page tree: the tree's root (1), the home page (2), then sections.
FIRST_SECTION_DEPTH = 3


def sections_above(tree_path, sections):
    """The sections at or above the page at `tree_path` (itself included if it is one), top-level
    first. `sections` maps tree paths to sections: one query for the caller, none here."""
    step = Page.steplen
    return [sections[tree_path[:end]] for end in range(step * FIRST_SECTION_DEPTH, len(tree_path) + 1, step)
            if tree_path[:end] in sections]


class SectionPage(ViewRestrictionsMixin, PreviewModesMixin, Page):
    """A section of the paper (World, Sports, ...). Sections nest: World > Europe.
    Its RSS feed is at <section url>feed/ (served by feeds/)."""

    intro = models.TextField(blank=True, max_length=500, help_text="A line under the section name.")

    objects = ReaderPageManager()

    parent_page_types = ["home.HomePage", "news.SectionPage"]
    subpage_types = ["news.SectionPage", "news.ArticlePage"]
    template = "pages/section_page.html"

    content_panels = Page.content_panels + [FieldPanel("intro")]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    def articles(self):
        """Live articles of this section and its sub-sections, newest first."""
        return ArticlePage.objects.visible().descendant_of(self).order_by(NEWEST_FIRST)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subsections"] = SectionPage.objects.child_of(self).visible().order_by("path")
        # Fetched when the template first asks: not at all when the listing comes from the fragment cache.
        context["articles"] = SimpleLazyObject(lambda: cards(paginate(request, self.articles())))
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("news.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class ArticleAuthor(Orderable):
    """Byline order matters, so authors are an ordered inline rather than a plain many-to-many."""

    page = ParentalKey("news.ArticlePage", on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="article_links")

    panels = [FieldPanel("author")]

    def __str__(self):
        return self.author.name


# What an article's own page reads besides its row (ArticlePage.get_context).
ARTICLE_PAGE_PREFETCH = (
    Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author")),
    "tags", "lead_image__renditions", "social_image__renditions",
)


class ArticlePage(ViewRestrictionsMixin, PreviewModesMixin, Page):
    objects = ReaderPageManager()  # ArticlePage.objects.visible(): what readers may see (core.visibility)

    standfirst = models.TextField(max_length=400, blank=True,
                                  help_text="The one- or two-sentence summary under the headline.")
    lead_image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    lead_image_caption = models.CharField(max_length=300, blank=True)
    lead_image_credit = models.CharField(max_length=120, blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    published_date = models.DateTimeField(
        null=True, blank=True, db_index=True,
        help_text="The date readers see. Left empty, it is set to the moment the article is first published.",
    )
    updated_date = models.DateTimeField(
        null=True, blank=True,
        help_text="Set when you correct or update a published article; readers see 'Updated' with this date.",
    )
    breaking = models.BooleanField(default=False, help_text="Breaking news: shown in the What's Hot ticker.")
    reading_time = models.PositiveSmallIntegerField(default=1, editable=False,
                                                    help_text="Minutes, computed from the body.")
    # The body as plain text (internal notes left out), kept at save time: the search index and the
    # reading time read it without turning the StreamField back into blocks (which costs a query
    # per article for image blocks).
    body_plain = models.TextField(blank=True, editable=False)
    social_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Shown when the article is shared on social media. Defaults to the lead image.",
    )
    # Stable id of an article imported from another system, so a re-run never duplicates it.
    external_id = models.CharField(max_length=200, unique=True, null=True, blank=True, editable=False)

    parent_page_types = ["news.SectionPage"]
    subpage_types = []
    template = "pages/article_page.html"

    content_panels = [
        TitleFieldPanel("title", widget=HeadlineInput),
        FieldPanel("standfirst"),
        InlinePanel("article_authors", label="Authors", min_num=1, heading="Byline"),
        MultiFieldPanel(
            [FieldPanel("lead_image"), FieldRowPanel([FieldPanel("lead_image_caption"),
                                                      FieldPanel("lead_image_credit")])],
            heading="Lead image",
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("published_date"), FieldPanel("updated_date")]),
                         FieldPanel("breaking")], heading="Dates and status"),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("social_image")]

    search_fields = Page.search_fields + [
        index.SearchField("standfirst", boost=2),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name", boost=1.5), index.FilterField("slug")]),
        index.RelatedFields("article_authors", [
            index.RelatedFields("author", [index.SearchField("name"), index.FilterField("slug")]),
        ]),
        index.FilterField("published_date"),
        index.FilterField("breaking"),
    ]

    # Plain-text fields readers see, in feeds and sitemaps too (news.text.publishable).
    PLAIN_TEXT_FIELDS = ("title", "draft_title", "seo_title", "search_description", "standfirst",
                         "lead_image_caption", "lead_image_credit")

    def clean(self):
        self.strip_unpublishable_characters()  # before Wagtail saves the revision's content
        super().clean()

    def strip_unpublishable_characters(self):
        for name in self.PLAIN_TEXT_FIELDS:
            setattr(self, name, publishable(getattr(self, name)))

    def save(self, *args, **kwargs):
        self.strip_unpublishable_characters()
        self.refresh_derived_fields()
        if self.live and self.published_date is None and self.first_published_at is not None:
            # First publication: Wagtail's publish action has just set first_published_at.
            self.published_date = self.first_published_at
        return super().save(*args, **kwargs)

    def body_text(self):
        """The body as plain text, as indexed (internal notes excluded)."""
        chunks = self.body.stream_block.get_searchable_content(self.body) if self.body else []
        return " ".join(strip_tags(str(chunk)) for chunk in chunks)

    def refresh_derived_fields(self):
        self.body_plain = self.body_text()
        words = len(re.findall(r"\w+", f"{self.standfirst} {self.body_plain}"))
        self.reading_time = max(1, round(words / WORDS_PER_MINUTE))

    og_type = "article"

    def share_links(self, request=None):
        """Plain links (no third-party scripts) for sharing this article."""
        url, title = quote(self.get_full_url(request) or ""), quote(self.title)
        return [
            ("X", f"https://twitter.com/intent/tweet?url={url}&text={title}"),
            ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={url}"),
            ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={url}"),
            ("WhatsApp", f"https://wa.me/?text={title}%20{url}"),
            ("Telegram", f"https://t.me/share/url?url={url}&text={title}"),
            ("Email", f"mailto:?subject={title}&body={url}"),
        ]

    def structured_data(self, request=None, publisher=None):
        """schema.org NewsArticle, for search engines (rendered as JSON-LD). `publisher` is the site's
        name as the page shows it (Site settings), so a renamed site publishes under its own name."""
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title[:110],
            "description": self.search_description or self.standfirst,
            "datePublished": self.display_date.isoformat() if self.display_date else None,
            "dateModified": (self.updated_date or self.last_published_at or self.display_date).isoformat()
            if self.display_date else None,
            "mainEntityOfPage": self.get_full_url(request),
            "author": [{"@type": "Person", "name": a.name,
                        "url": request.build_absolute_uri(a.get_absolute_url()) if request else a.get_absolute_url()}
                       for a in self.authors],
            "publisher": {"@type": "Organization", "name": publisher or settings.WAGTAIL_SITE_NAME},
        }
        section = self.section
        if isinstance(section, SectionPage):
            data["articleSection"] = section.title
        image = self.share_image
        if image is not None:
            rendition = image.get_rendition("fill-1200x675|format-jpeg")
            data["image"] = [request.build_absolute_uri(rendition.url) if request else rendition.url]
        return {key: value for key, value in data.items() if value not in (None, "", [])}

    def serve(self, request, *args, **kwargs):
        now = timezone.now()
        if (self.expire_at and self.expire_at <= now) or (self.go_live_at and self.go_live_at > now):
            raise Http404("not in its reading time")  # e.g. expired, the scheduler not having run yet
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        # The byline, author boxes, tags, lead and share images and JSON-LD each ask for their rows:
        # the first of them fetches them all in one batch (_fetch_page_parts). Not here: when the page
        # comes from the fragment cache nothing asks. A preview keeps its in-memory authors and tags.
        self._page_parts_wanted = bool(self.pk) and not getattr(request, "is_preview", False)
        context = super().get_context(request, *args, **kwargs)
        # Built only if the template asks (a callable in the context is called on lookup): the links
        # are inside the page's cached fragment, and quoting the address cost ~0.2 ms per request.
        context["share_links"] = functools.partial(self.share_links, request)
        return context

    def _fetch_page_parts(self):
        if getattr(self, "_page_parts_wanted", False):
            self._page_parts_wanted = False
            # With its renditions prefetched an image also skips Wagtail's cache write-back, which
            # get_renditions() does on every request for renditions it read from the cache.
            prefetch_related_objects([self], *ARTICLE_PAGE_PREFETCH)

    @property
    def display_date(self):
        return self.published_date or self.first_published_at or self.latest_revision_created_at

    @cached_property  # several parts of the article page ask for it: one query, not one each
    def section(self):
        # Articles live directly in a section (parent_page_types): one query by tree path rather
        # than get_parent().specific's two.
        return (SectionPage.objects.filter(path=self.path[: -self.steplen]).first()
                or (parent.specific if (parent := self.get_parent()) else None))

    @cached_property  # the byline, author boxes, JSON-LD and cards each ask: one list per instance
    def authors(self):
        self._fetch_page_parts()
        return [link.author for link in self.article_authors.all()]

    @property
    def share_image(self):
        self._fetch_page_parts()
        return self.social_image or self.lead_image
