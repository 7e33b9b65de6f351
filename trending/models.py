"""Anonymous daily view counts per article: a number per (article, day), and nothing about who viewed."""

from django.db import models


class ArticleDailyViews(models.Model):
    article = models.ForeignKey("news.ArticlePage", on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "article daily views"
        verbose_name_plural = "article daily views"
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="trending_one_row_per_article_and_day"),
        ]
        # top_trending reads a range of days across all articles.
        indexes = [models.Index(fields=["day"], name="trending_views_day_idx")]

    def __str__(self):
        return f"{self.article_id} on {self.day}: {self.views}"
