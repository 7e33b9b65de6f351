"""RSS 2.0 feeds of articles, site-wide and per section, through Django's syndication framework."""

from html import escape

from django.contrib.syndication.views import Feed
from django.urls import reverse

from core.site import site_name
from news.text import publishable

from .content import latest_articles, site_for, site_settings


class ArticleFeed(Feed):
    """The newest articles of a site (obj None) or of a section and its sub-sections.

    feed_type is Django's default, Rss201rev2Feed: it is served as application/rss+xml;
    charset=utf-8, writes a byline without an e-mail address as <dc:creator>, one <category> per
    entry, and Django adds a Last-Modified header from the newest pubDate.

    An instance keeps the request it answers (links are made absolute from the request's Wagtail
    Site), so the views make a new instance per request.
    """

    max_items = 50

    def get_object(self, request, section=None):
        self.request = request
        self.site = site_for(request)
        self.site_name = site_name(request)
        return section

    # -- the channel -----------------------------------------------------------------------------
    # Every text below goes through news.text.publishable: XML cannot carry control characters, and
    # a feed must never fail on what an article (or a record stored before they were dropped) holds.
    def title(self, section):
        return publishable(self.site_name if section is None else f"{section.title} | {self.site_name}")

    def link(self, section):
        return (section or self.site.root_page).get_full_url(self.request)

    def description(self, section):
        if section is None:
            return publishable(site_settings(self.request).tagline or f"The latest news from {self.site_name}.")
        return publishable(section.intro or f"The latest {section.title} news from {self.site_name}.")

    def feed_url(self, section):
        if section is None:
            return self.site.root_url + reverse("site_feed")
        return section.get_full_url(self.request) + "feed/"

    # -- the items -------------------------------------------------------------------------------
    def items(self, section):
        return latest_articles(section or self.site.root_page, self.max_items)

    def item_title(self, article):
        # Plain text, escaped once by the XML writer. (Django's default double-escapes titles.)
        return publishable(article.title)

    def item_description(self, article):
        # <description> is HTML in RSS 2.0 and the standfirst plain text: escape &, < and > for HTML
        # (quotes need no escaping outside attributes).
        return escape(publishable(article.standfirst), quote=False)

    def item_link(self, article):
        return article.get_full_url(self.request)

    def item_pubdate(self, article):
        return article.published_date or article.first_published_at

    def item_updateddate(self, article):
        return article.updated_date

    def item_author_name(self, article):
        return publishable(", ".join(author.name for author in article.authors)) or None

    def item_categories(self, article):
        tags = sorted(publishable(tag.name) for tag in article.tags.all())
        return [article.section_title, *tags] if article.section_title else tags

    def item_guid(self, article):
        """A tag: URI (RFC 4151) from the page id, not the link, so that moving an article or
        renaming its slug does not make readers see it again as a new item."""
        first = article.first_published_at or article.published_date
        if first is None:
            return self.item_link(article)
        return f"tag:{self.site.hostname},{first:%Y-%m-%d}:article:{article.pk}"

    def item_guid_is_permalink(self, article):
        return False if (article.first_published_at or article.published_date) else None
