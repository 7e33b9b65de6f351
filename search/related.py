"""Related Posts: the live articles most like an article in words (OpenSearch's more_like_this)."""

from django.conf import settings

from news.models import ArticlePage

from .query import SearchUnavailable, related_ids


def related_articles(article, limit=4):
    """Best match first. When search cannot answer, none: the block is left out rather than
    silently filled with unrelated latest news."""
    like = [article.title, article.standfirst, " ".join(tag.name for tag in article.tags.all()),
            (article.body_plain or article.body_text())[:10000]]
    try:
        # A few spare ids: one might have been unpublished a moment ago and not yet left the index.
        ids = related_ids(article.pk, like, size=limit + 4, timeout=settings.SEARCH_TIMEOUT)
    except SearchUnavailable:
        return []
    ranked = {pk: rank for rank, pk in enumerate(ids)}
    found = ArticlePage.objects.visible().filter(pk__in=ids)
    return sorted(found, key=lambda found_article: ranked[found_article.pk])[:limit]
