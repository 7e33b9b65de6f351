from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from .models import Author

ARTICLES_PER_PAGE = 20


def author(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = Paginator(author.articles().select_related("lead_image"), ARTICLES_PER_PAGE).get_page(
        request.GET.get("page"))
    return TemplateResponse(request, "pages/author_page.html", {"author": author, "articles": articles})
