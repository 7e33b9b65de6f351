"""sitemap.xml (pages, author pages, tag pages) and the Google News sitemap.

Built on wagtail.contrib.sitemaps (itself Django's sitemap framework). Wagtail's Sitemap lists
`root_page.get_descendants(inclusive=True).live().public()`: view-restricted pages and their
descendants are already left out, but a page past its expiry time stays listed until the scheduler
unpublishes it, so PageSitemap narrows the list further with `in_publication_window()`.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Max
from django.db.models.functions import Left, Length
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Page

from core.visibility import in_publication_window
from news.models import ArticlePage, Author

from .content import FEED_ORDER, URL_SLUG, article_lastmod, site_for


class PageUrlsSitemap(WagtailSitemap):
    """Wagtail's Sitemap with a per-page hook for the <url> entries.

    Wagtail's `_urls` takes each page's entries from the model's `get_sitemap_urls()`; this is the
    same loop with `page_urls()` in between, so the sitemap can add what the page models don't say
    (an article's "updated" date, the news fields) without changing the models.
    """

    def page_urls(self, page):
        urls = page.get_sitemap_urls(self.request)
        if isinstance(page, ArticlePage) and page.updated_date:
            # Wagtail's lastmod is last_published_at; an article's "updated" date can be later
            # (imported archives are published with backdated dates).
            for url in urls:
                if url.get("lastmod") is None or page.updated_date > url["lastmod"]:
                    url["lastmod"] = page.updated_date
        return urls

    def _urls(self, page, protocol, domain):
        urls = [url for item in self.paginator.page(page).object_list.iterator() for url in self.page_urls(item)]
        lastmods = {url.get("lastmod") for url in urls}
        if lastmods and None not in lastmods:
            self.latest_lastmod = max(lastmods)  # Django's view turns it into a Last-Modified header
        return urls


class PageSitemap(PageUrlsSitemap):
    """Every live, public, unexpired page of the request's site: home, sections, articles.

    A listing page (home, section) changes whenever an article beneath it is published, so its
    lastmod is the later of its own publication and the newest visible article beneath it.
    """

    def items(self):
        return in_publication_window(super().items())

    @cached_property
    def newest_by_parent(self):
        """[(parent tree path, newest article lastmod)] for the site, in one grouped query."""
        parent_path = Left("path", Length("path") - Page.steplen)
        return list(
            ArticlePage.objects.visible().descendant_of(self.get_wagtail_site().root_page)
            .order_by()  # Wagtail orders pages by path, which would defeat the grouping
            .annotate(parent_path=parent_path).values("parent_path")
            .annotate(newest=Max(article_lastmod())).values_list("parent_path", "newest")
        )

    def page_urls(self, page):
        urls = super().page_urls(page)
        if not isinstance(page, ArticlePage):
            beneath = [newest for path, newest in self.newest_by_parent if path.startswith(page.path) and newest]
            if beneath:
                for url in urls:
                    url["lastmod"] = max(filter(None, [url.get("lastmod"), *beneath]))
        return urls


class SiteRootSitemap(DjangoSitemap):
    """A Django sitemap of non-page URLs whose absolute URLs start with the request's Wagtail Site
    root URL, as page URLs do, rather than with the Host header (Django's RequestSite), so all
    entries of sitemap.xml share one origin."""

    def __init__(self, request):
        self.request = request

    def get_protocol(self, protocol=None):
        return urlsplit(site_for(self.request).root_url).scheme

    def get_domain(self, site=None):
        return urlsplit(site_for(self.request).root_url).netloc

    def lastmod(self, item):
        return item.sitemap_lastmod


class AuthorSitemap(SiteRootSitemap):
    """/authors/<slug>/ of authors with at least one visible article (one query)."""

    def items(self):
        return (
            Author.objects.filter(slug__regex=URL_SLUG, article_links__page__in=ArticlePage.objects.visible())
            .annotate(sitemap_lastmod=Max(article_lastmod("article_links__page__")))
            .only("slug")
            .order_by("slug")
        )

    def location(self, author):
        return reverse("author", kwargs={"slug": author.slug})


class TagSitemap(SiteRootSitemap):
    """/tags/<slug>/ of tags used on at least one visible article (one query); the tag page itself
    answers 404 for any other tag."""

    def items(self):
        return (
            Tag.objects.filter(slug__regex=URL_SLUG,
                               news_articlepagetag_items__content_object__in=ArticlePage.objects.visible())
            .annotate(sitemap_lastmod=Max(article_lastmod("news_articlepagetag_items__content_object__")))
            .order_by("slug")
        )

    def location(self, tag):
        return reverse("tag", kwargs={"slug": tag.slug})


class NewsSitemap(PageUrlsSitemap):
    """Google News sitemap entries: articles of this site first published (by the date readers
    see) in the last two days, newest first, at most 1,000 (Google's limit per news sitemap)."""

    window = timedelta(hours=48)
    limit = 1000  # one sitemap page: Django would otherwise paginate at 50,000

    def items(self):
        since = timezone.now() - self.window
        return (
            ArticlePage.objects.visible()
            .descendant_of(self.get_wagtail_site().root_page)
            .filter(published_date__gte=since)
            .order_by(*FEED_ORDER)
            .defer_streamfields()[: self.limit]
        )

    def page_urls(self, article):
        return [{**url, "item": article} for url in super().page_urls(article)]
