"""Top Trending: the most-read live articles of the last few days."""

from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from news.models import NEWEST_FIRST, ArticlePage


def top_trending(limit=5, days=7):
    """Up to `limit` live, public articles with the most views over the last `days` days (today
    included), most viewed first; ties go to the newest. Articles without views in the window are left
    out. Two queries whatever the size: Wagtail's public() reads the view restrictions, then one
    aggregate query.

    Never returns an unpublished, private or expired article, whatever its views: ArticlePage.objects.visible()
    filters them (expired ones from the moment expire_at passes, before the scheduler unpublishes them).
    """
    if limit <= 0 or days <= 0:
        return []
    since = timezone.localdate() - timedelta(days=days - 1)
    articles = (
        ArticlePage.objects.visible()
        .filter(daily_views__day__gte=since)
        .annotate(trending_views=Sum("daily_views__views"))
        .order_by("-trending_views", NEWEST_FIRST, "-pk")
    )
    return list(articles[:limit])
