"""What editors control about search (synonyms) and what search records for them (the query log).

Promoted results ("for this query, show this article first") are Wagtail's own
wagtail.contrib.search_promotions, under Settings → Promoted search results.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .synonyms import default_synonyms, validate_rules

LOGGED_QUERY_LENGTH = 100
# Where queries beyond the day's limit are counted. Not a possible query: logged queries are
# lower-cased (normalise), this has capitals.
OVERFLOW = "(Other queries: over the day's limit)"


def normalise(query):
    """The form a query is logged and promoted under: lower case, single spaces."""
    return " ".join(query.lower().split())


def validate_synonyms(text):
    for number, rule in validate_rules(text)[:1]:
        raise ValidationError(f"Line {number} is not a synonym rule: {rule!r}. Write "
                              "“nhs, national health service” or “ai => artificial intelligence”.")


@register_setting(icon="search")
class SearchSettings(BaseGenericSetting):
    synonyms = models.TextField(
        blank=True, default=default_synonyms, validators=[validate_synonyms],
        help_text="One rule per line. “a, b, c” makes the words interchangeable; “a => b” searches "
                  "for b when readers type a. Write a form in capitals only when case matters: “WHO” "
                  "then matches the reader's WHO but not “who”. Lines starting with # are comments.")

    panels = [
        HelpPanel(content="Synonyms and abbreviations take effect in reader search within seconds of "
                          "saving, without reindexing. The list starts with Newsroom's own dictionary of "
                          "abbreviations a news site needs; add, change or remove any rule. The search "
                          "queries report shows what readers searched for that found nothing."),
        FieldPanel("synonyms"),
    ]

    class Meta:
        verbose_name = "Search"


class SearchQueryLog(models.Model):
    """How often readers searched for a query on a day, and how often it found nothing."""

    day = models.DateField()
    query = models.CharField(max_length=LOGGED_QUERY_LENGTH)
    searches = models.PositiveIntegerField(default=0)
    zero_results = models.PositiveIntegerField(default=0)
    # Searches where no article had every word, so the results were widened (most or some of the
    # words, or close spellings): candidates for a synonym rule.
    relaxed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "query"], name="search_query_log_day_query")]
        indexes = [models.Index(fields=["-day"], name="search_query_log_day")]

    def __str__(self):
        return f"{self.query} ({self.day})"

    @classmethod
    def record(cls, query, found, relaxed=False):
        """Count one search. A query already logged today is one UPDATE; a new one is an INSERT ...
        ON CONFLICT DO UPDATE (as trending.counting does: concurrent searches never lose a count),
        unless today already holds SEARCH_LOG_MAX_QUERIES_PER_DAY queries: anyone can send endless
        distinct queries, so past the limit they are counted together in one OVERFLOW row."""
        query = normalise(query)[:LOGGED_QUERY_LENGTH]
        if not query:
            return
        today = timezone.localdate()
        cls._forget_old_days(today)
        zero, widened = (0 if found else 1), (1 if found and relaxed else 0)
        counted = cls.objects.filter(day=today, query=query).update(
            searches=F("searches") + 1, zero_results=F("zero_results") + zero, relaxed=F("relaxed") + widened)
        if counted:
            return
        if cls.objects.filter(day=today).count() >= settings.SEARCH_LOG_MAX_QUERIES_PER_DAY:
            query = OVERFLOW
        quote = connection.ops.quote_name
        table = quote(cls._meta.db_table)
        searches, zeros, relaxeds = quote("searches"), quote("zero_results"), quote("relaxed")
        sql = (f"INSERT INTO {table} ({quote('day')}, {quote('query')}, {searches}, {zeros}, {relaxeds}) "
               f"VALUES (%s, %s, 1, %s, %s) "
               f"ON CONFLICT ({quote('day')}, {quote('query')}) DO UPDATE SET {searches} = {table}.{searches} + 1, "
               f"{zeros} = {table}.{zeros} + EXCLUDED.{zeros}, {relaxeds} = {table}.{relaxeds} + EXCLUDED.{relaxeds}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [connection.ops.adapt_datefield_value(today), query, zero, widened])

    _forgotten_before = None  # the day this process last deleted old days

    @classmethod
    def _forget_old_days(cls, today):
        """Keep SEARCH_LOG_DAYS days (the report looks back a year at most): once a day per process."""
        if cls._forgotten_before != today:
            cls._forgotten_before = today
            cls.objects.filter(day__lt=today - timedelta(days=settings.SEARCH_LOG_DAYS)).delete()
