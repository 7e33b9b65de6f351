from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class ArticlePage(Page):
    """A news article. A placeholder shape: the content-model issue gives it sections, authors,
    tags, a StreamField body and the rest."""

    standfirst = models.TextField(blank=True, help_text="The one- or two-sentence summary under the headline.")
    body = RichTextField(blank=True)

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    template = "pages/article_page.html"

    content_panels = Page.content_panels + [
        FieldPanel("standfirst"),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("standfirst", boost=2),
        index.SearchField("body"),
    ]
