"""What feeds and sitemaps may show, and how to fetch it in a fixed number of queries.

Articles start from ArticlePage.objects.visible(), like every other public listing; pages of any
type (sitemap.xml) from Wagtail's live().public(), narrowed by core.visibility.in_publication_window().
"""

from django.db.models import F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce, Greatest, Left, Length
from django.http import Http404
from wagtail.models import Page, Site

from core.models import SiteSettings
from news.models import NEWEST_FIRST, ArticleAuthor, ArticlePage

# What Django's <slug:...> converter accepts: tag and author pages can only be reversed for these.
# (taggit makes Unicode slugs by default; such a tag has no reachable /tags/<slug>/ page.)
URL_SLUG = r"^[-a-zA-Z0-9_]+$"

# Newest first, with stable tie-breaks so equal dates never reorder between two fetches.
FEED_ORDER = (NEWEST_FIRST, F("first_published_at").desc(nulls_last=True), "-pk")


def article_lastmod(prefix=""):
    """An article's last modification as a database expression: the later of its last publication
    and the editors' "updated" date (imported archives carry an updated date later than the
    import's backdated publication)."""
    published = F(f"{prefix}last_published_at")
    return Greatest(published, Coalesce(F(f"{prefix}updated_date"), published))


def with_feed_relations(articles):
    """What a feed item shows besides the article row, fetched once for the whole list: the byline
    (one query), the tags (one query) and the section's title (a subquery on the parent's tree
    path; the `section` property would cost a query per article)."""
    parent = Page.objects.filter(path=Left(OuterRef("path"), Length(OuterRef("path")) - Page.steplen))
    return articles.defer_streamfields().annotate(
        section_title=Subquery(parent.values("title")[:1]),
    ).prefetch_related(
        Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order")),
        "tags",
    )


def latest_articles(root, limit):
    """The newest `limit` visible articles under `root` (a site's root page or a section)."""
    return with_feed_relations(ArticlePage.objects.visible().descendant_of(root).order_by(*FEED_ORDER))[:limit]


def site_for(request):
    """The Wagtail Site answering this request (Wagtail caches it on the request). Absolute URLs
    start from its root URL, as Wagtail's own page URLs do."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site is configured for this host.")
    return site


def site_settings(request):
    """Settings > Site settings for this request's site (Wagtail caches them on the request)."""
    return SiteSettings.for_request(request)
