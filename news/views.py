"""Reader pages that are not Wagtail pages: authors and tags."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from taggit.models import Tag

from .listing import cards
from .models import NEWEST_FIRST, ArticlePage, Author, paginate


def author(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = author.articles()
    if not articles.exists():
        # As for tags: an author whose articles are all drafts or private has no public page (and
        # none in the sitemap), so the page cannot reveal that those articles exist.
        return TemplateResponse(request, "404.html", {}, status=404)
    return TemplateResponse(request, "pages/author_page.html", {
        "author": author, "articles": cards(paginate(request, articles)),
    })


def tag(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = ArticlePage.objects.visible().filter(tags=tag).order_by(NEWEST_FIRST)
    if not articles.exists():
        # A tag used only on drafts or private articles must not reveal that they exist.
        return TemplateResponse(request, "404.html", {}, status=404)
    return TemplateResponse(request, "pages/tag_page.html", {
        "tag": tag, "articles": cards(paginate(request, articles)),
    })
