"""Feeds and discovery: RSS (site-wide and per section), sitemap.xml, a Google News sitemap and
robots.txt. What they may show is decided in feeds.content; none of them shows anything a reader
could not open."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from wagtail import hooks
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page

from core.site import site_name
from news.models import SectionPage

from .content import site_for
from .rss import ArticleFeed
from .sitemaps import AuthorSitemap, NewsSitemap, PageSitemap, TagSitemap

# Prefixes crawlers are asked to stay out of (see newsroom/urls.py). The trending app's /api/
# has no URL name to reverse.
ROBOTS_DISALLOW = [("wagtailadmin_home", "/admin/"), ("admin:index", "/django-admin/"), ("search", "/search/"),
                   (None, "/api/")]


def site_feed(request):
    """/feed/: the site's newest articles."""
    return ArticleFeed()(request)


def section_feed(request, section_path):
    """<section url>feed/: the newest articles of a section and its sub-sections. Served the way
    Wagtail's own serve view serves the section page (wagtail.views.serve), with the feed in place of
    the page: unknown or unpublished, 404; view-restricted, Wagtail's password or sign-in page
    (its on_serve_page chain), never the feed."""
    route = Page.route_for_request(request, section_path)
    if route is None or not isinstance(route[0], SectionPage):
        raise Http404
    section, args, kwargs = route

    def serve_feed(page, request, args, kwargs):
        return ArticleFeed()(request, section=page)

    chain = serve_feed
    for wrap in reversed(hooks.get_hooks("on_serve_page")):
        chain = wrap(chain)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(section, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(section, request, args, kwargs)


def sitemap(request):
    """/sitemap.xml: pages, author pages and tag pages."""
    sitemaps = {"pages": PageSitemap, "authors": AuthorSitemap(request), "tags": TagSitemap(request)}
    return wagtail_sitemap(request, sitemaps, template_name="feeds/sitemap.xml")


def news_sitemap(request):
    """/news-sitemap.xml: the Google News sitemap."""
    response = wagtail_sitemap(request, {"news": NewsSitemap}, template_name="feeds/news_sitemap.xml")
    # A TemplateResponse renders lazily, so the publication can still be added to its context.
    response.context_data.update(
        publication_name=site_name(request),
        publication_language=settings.LANGUAGE_CODE.split("-")[0],  # ISO 639: "en-gb" -> "en"
    )
    return response


def robots_txt(request):
    root_url = site_for(request).root_url
    disallow = [reverse(name) if name else path for name, path in ROBOTS_DISALLOW]
    sitemaps = [root_url + reverse("sitemap"), root_url + reverse("news_sitemap")]
    return render(request, "feeds/robots.txt", {"disallow": disallow, "sitemaps": sitemaps},
                  content_type="text/plain; charset=utf-8")
