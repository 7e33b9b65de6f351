"""Readers' views for the demo newsroom, so that a fresh `make run` shows a Top Trending list.

Deterministic (the same articles, the same counts on every load): the newest articles of the demo
get a week of views, more for newer ones and varied per article by a hash of its id, never for an
article readers cannot see.
"""

import hashlib
from datetime import timedelta

from django.dispatch import receiver
from django.utils import timezone

from news.models import NEWEST_FIRST, ArticlePage
from news.signals import demo_content_loaded

from .models import ArticleDailyViews

DEMO_TRENDING_ARTICLES = 24
DEMO_DAYS = 7


def _spread(article_id, day):
    """A number from 0 to 99 that looks random and is always the same for this article and day."""
    return hashlib.sha256(f"{article_id}:{day}".encode()).digest()[0] * 100 // 256


@receiver(demo_content_loaded, dispatch_uid="trending.seed_demo_views")
def seed_demo_views(sender, home, out=None, **kwargs):
    today = timezone.localdate()
    articles = list(ArticlePage.objects.visible().descendant_of(home).order_by(NEWEST_FIRST)
                    .values_list("pk", flat=True)[:DEMO_TRENDING_ARTICLES])
    rows = []
    for rank, article_id in enumerate(articles):
        for age in range(DEMO_DAYS):
            views = (DEMO_TRENDING_ARTICLES - rank) * 3 + _spread(article_id, age) - age * 4
            if views > 0:
                rows.append(ArticleDailyViews(article_id=article_id, day=today - timedelta(days=age), views=views))
    ArticleDailyViews.objects.bulk_create(rows, ignore_conflicts=True)
    if out:
        out(f"Readers' views for Top Trending: {len(rows)} daily counts for {len(articles)} articles.")
