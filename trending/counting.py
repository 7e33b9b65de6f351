"""Counting one view: a single atomic upsert, safe under any number of concurrent requests."""

from django.db import connection
from django.utils import timezone

from .models import ArticleDailyViews


def record_view(article_id, day=None):
    """Add one view of the article on `day` (today in TIME_ZONE by default).

    One INSERT ... ON CONFLICT DO UPDATE (PostgreSQL and SQLite both have it): the database inserts the
    day's row or increments it atomically, so concurrent beacons never lose a count or collide on the
    unique (article, day) constraint, and no read is needed first.
    """
    day = day or timezone.localdate()
    quote = connection.ops.quote_name
    table = quote(ArticleDailyViews._meta.db_table)
    article_col = quote(ArticleDailyViews._meta.get_field("article").column)
    day_col, views_col = quote("day"), quote("views")
    sql = (
        f"INSERT INTO {table} ({article_col}, {day_col}, {views_col}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({article_col}, {day_col}) DO UPDATE SET {views_col} = {table}.{views_col} + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [article_id, connection.ops.adapt_datefield_value(day)])
