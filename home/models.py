"""The front page and its curation, and the sections in the header menu (Site settings, core)."""

import functools

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.url_routing import RouteResult

from core.previews import PreviewModesMixin
from core.visibility import ViewRestrictionsMixin

WHATS_HOT_SIZE = 8
EDITORS_PICKS_SIZE = 4
LATEST_SIZE = 6
SECTION_BLOCK_SIZE = 4
SIDEBAR_LATEST_SIZE = 5


class CuratedArticle(Orderable):
    """An article chosen by an editor for a slot on the home page."""

    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        abstract = True


class HomePageHotItem(CuratedArticle):
    page = ParentalKey("home.HomePage", on_delete=models.CASCADE, related_name="hot_items")


class HomePageEditorsPick(CuratedArticle):
    page = ParentalKey("home.HomePage", on_delete=models.CASCADE, related_name="editors_picks")


def _curated(items, limit, fallback, exclude=frozenset()):
    """The curated articles that readers may see (live, public), in the editor's order, topped
    up from `fallback(n)` (a function giving at least n candidates, best first) when fewer than
    `limit` are chosen or some have been unpublished. Articles in `exclude` (already shown higher
    up the front page) are left out, chosen or not."""
    from news.models import ArticlePage

    visible = {a.pk: a for a in ArticlePage.objects.visible().filter(pk__in=[item.article_id for item in items])}
    chosen = [visible[item.article_id] for item in items
              if item.article_id in visible and item.article_id not in exclude][:limit]
    if len(chosen) < limit:
        taken = {a.pk for a in chosen} | set(exclude)
        # Enough candidates even if every chosen or excluded article is among them.
        extra = [a for a in fallback(limit + len(taken)) if a.pk not in taken]
        chosen += list({a.pk: a for a in extra}.values())[: limit - len(chosen)]
    return chosen


class HomePage(ViewRestrictionsMixin, PreviewModesMixin, Page):
    """The front page of a site: one per site, at the top of the page tree."""

    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.SectionPage"]
    template = "pages/home_page.html"

    content_panels = Page.content_panels + [
        MultiFieldPanel([InlinePanel("hot_items", max_num=WHATS_HOT_SIZE, label="Headline")],
                        heading="What's Hot ticker",
                        help_text="Empty slots are filled with breaking news, then the latest articles."),
        MultiFieldPanel([InlinePanel("editors_picks", max_num=EDITORS_PICKS_SIZE, label="Pick")],
                        heading="Editors' Picks", help_text="Empty slots are filled with the latest articles."),
    ]

    def route(self, request, path_components):
        """Readers ask for articles and sections: find the page by its address in one query each,
        instead of Wagtail's walk down the tree (two queries per level: the child, then its specific
        row). Anything else (a section's feed route, a page that is not live) takes Wagtail's walk,
        which gives the same answer for these too."""
        from news.models import ArticlePage, SectionPage
        from pagecache import routes

        if path_components:
            # By slug (indexed; url_path is not: a scan of every page at 100,000 articles) and depth,
            # then the whole address.
            url_path = f"{self.url_path}{'/'.join(path_components)}/"
            page = routes.cached_page(request, url_path, (ArticlePage, SectionPage))
            if page is not None:
                return RouteResult(page)
            candidates = {"slug": path_components[-1], "depth": self.depth + len(path_components),
                          "url_path": url_path, "live": True}
            for model in (ArticlePage, SectionPage):
                # [:1], not first(): no ORDER BY pk to build (the address is unique among live pages)
                page = next(iter(model.objects.filter(**candidates)[:1]), None)
                if page is not None:
                    routes.remember_page(request, url_path, page)
                    return RouteResult(page)
        return super().route(request, path_components)

    def latest_articles(self):
        from news.models import NEWEST_FIRST, ArticlePage

        return ArticlePage.objects.visible().descendant_of(self).order_by(NEWEST_FIRST)

    def front_page(self):
        """The stories at the top of the front page, each shown once (a reader should not meet the
        lead again as a pick, in Latest Posts and in the ticker): the lead (the newest breaking story,
        else the newest), Editors' Picks, Latest Posts, then the home page's What's Hot ticker (the
        editors' choices, then breaking news, then the next latest). A slot whose story is already
        shown goes to the next latest article.
        (Not kept on the page object: the home page Wagtail routes to lives as long as the process's
        Site, core.sites, and an expired or unpublished article must leave the page at once.)"""
        latest = self.latest_articles()
        lead = latest.filter(breaking=True).first() or latest.first()
        shown = {lead.pk} if lead else set()
        picks = _curated(list(self.editors_picks.all()), EDITORS_PICKS_SIZE, lambda n: latest[:n], shown)
        shown |= {a.pk for a in picks}

        newest = list(latest.exclude(pk__in=shown)[:LATEST_SIZE])
        shown |= {a.pk for a in newest}
        hot = _curated(list(self.hot_items.all()), WHATS_HOT_SIZE, self._breaking_then_latest, shown)
        shown |= {a.pk for a in hot}
        return {"lead": lead, "editors_picks": picks, "whats_hot": hot, "latest": newest, "shown": shown}

    def whats_hot(self):
        """The What's Hot ticker in every page's header but the home page's (front_page() has that):
        the editors' choices, then breaking news, then the latest."""
        return _curated(list(self.hot_items.all()), WHATS_HOT_SIZE, self._breaking_then_latest)

    def _breaking_then_latest(self, n):
        # Two small newest-first queries that the published_date index serves. One query ordered by
        # "breaking, then date" has no index to use: it sorted every live article on each page view
        # (~200 ms of PostgreSQL at 100,000 articles, measured by make bench).
        latest = self.latest_articles()
        return [*latest.filter(breaking=True)[:n], *latest[:n]]

    def sidebar_latest(self):
        """The sidebar's Latest Posts (beside articles, sections, authors, tags and search results)."""
        return self.latest_articles()[:SIDEBAR_LATEST_SIZE]

    def on_every_page(self):
        """Ids of the articles that every page shows: the What's Hot ticker in the header, and the
        sidebar's Editors' Picks and Latest Posts (and the home page's own ticker, whose header is
        cached like every page's). A change to one of them purges every page."""
        front = self.front_page()
        return ({a.pk for a in self.whats_hot()} | {a.pk for a in front["whats_hot"]}
                | {a.pk for a in front["editors_picks"]} | {a.pk for a in self.sidebar_latest()})

    def editors_picks_articles(self):
        return self.front_page()["editors_picks"]

    def section_blocks(self, per_section=SECTION_BLOCK_SIZE, exclude=()):
        """The newest articles of each top-level section (and its sub-sections), one query each."""
        from news.models import SectionPage

        sections = SectionPage.objects.child_of(self).visible()
        blocks = [{"section": s, "articles": list(s.articles().exclude(pk__in=exclude)[:per_section])}
                  for s in sections]
        return [block for block in blocks if block["articles"]]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Computed only when the template asks (templates call callables): when the page's content
        # comes from the fragment cache ({% fragment %}), none of these queries run.
        blocks = functools.cache(self._blocks)
        context.update({name: functools.partial(lambda name: blocks()[name], name)
                        for name in ("lead", "editors_picks", "latest_articles", "section_blocks", "trending")})
        return context

    def _blocks(self):
        from news.listing import cards
        from trending.queries import top_trending

        front = self.front_page()
        lead, picks, latest = front["lead"], front["editors_picks"], front["latest"]
        # The section blocks below do not repeat what the top of the page (and the ticker) shows.
        blocks = self.section_blocks(exclude=front["shown"])
        # Everything on the page is made ready for its card in one batch of queries.
        ready = {a.pk: a for a in cards([*([lead] if lead else []), *picks, *latest,
                                          *(a for block in blocks for a in block["articles"])])}
        return {
            "lead": ready.get(getattr(lead, "pk", None)),
            "editors_picks": [ready[a.pk] for a in picks],
            "latest_articles": [ready[a.pk] for a in latest],
            "section_blocks": [{"section": b["section"], "articles": [ready[a.pk] for a in b["articles"]]}
                               for b in blocks],
            "trending": top_trending(limit=5),
        }


def navigation_sections(site_settings):
    """Live, public top-level sections in the editors' order (Site settings), or the page tree's order."""
    from news.models import SectionPage

    visible = SectionPage.objects.visible()
    chosen = [item.section_id for item in site_settings.navigation_items.all()]
    if chosen:
        # One query, and the same visibility rule as the default list below.
        by_id = {s.pk: s for s in visible.filter(pk__in=chosen)}
        return [by_id[pk] for pk in chosen if pk in by_id]
    return list(visible.child_of(site_settings.site.root_page))


class NavigationItem(Orderable):
    settings = ParentalKey("core.SiteSettings", on_delete=models.CASCADE, related_name="navigation_items")
    section = models.ForeignKey("news.SectionPage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("section")]
