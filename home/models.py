from wagtail.models import Page


class HomePage(Page):
    """The front page of a site: one per site, at the top of the page tree."""

    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]
    template = "pages/home_page.html"

    def get_context(self, request, *args, **kwargs):
        from news.models import ArticlePage

        context = super().get_context(request, *args, **kwargs)
        context["latest_articles"] = (
            ArticlePage.objects.live().public().descendant_of(self).order_by("-first_published_at")[:20]
        )
        return context
