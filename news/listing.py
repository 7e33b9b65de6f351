"""Article lists for readers, fetched in a fixed number of queries however many are shown.

A card shows the article's section, authors, lead image rendition and date; fetched naively that
is several queries per article. `cards()` takes any queryset or list of articles and returns them
with everything a card needs loaded: lead images with their renditions, authors, and the parent
section (found from the tree path, one query for all of them).
"""

from django.db.models import Prefetch
from wagtail.images import get_image_model
from wagtail.models import Page

from .models import ArticleAuthor, ArticlePage, SectionPage


def card_queryset(queryset):
    Image = get_image_model()
    return queryset.select_related("lead_image").prefetch_related(
        Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author")),
        Prefetch("lead_image__renditions", queryset=Image.get_rendition_model().objects.all()),
    )


def cards(articles):
    """`articles` (queryset, page of a Paginator, or list) → a list ready for article cards."""
    if hasattr(articles, "object_list"):  # a Paginator page: keep the page, decorate its items
        articles.object_list = cards(articles.object_list)
        return articles
    if hasattr(articles, "prefetch_related"):
        articles = list(card_queryset(articles))
    else:
        articles = list(articles)
        ids = [a.pk for a in articles]
        by_id = {a.pk: a for a in card_queryset(ArticlePage.objects.filter(pk__in=ids))}
        articles = [by_id[pk] for pk in ids if pk in by_id]
    parent_paths = {a.path[: -Page.steplen] for a in articles}
    sections = {s.path: s for s in SectionPage.objects.filter(path__in=parent_paths)}
    for article in articles:
        article.listing_section = sections.get(article.path[: -Page.steplen])
    return articles
