"""What editors control about search (synonyms) and what search records for them (the query log).

Promoted results ("for this query, show this article first") are Wagtail's own
wagtail.contrib.search_promotions, under Settings → Promoted search results.
"""

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .synonyms import default_synonyms, validate_rules

LOGGED_QUERY_LENGTH = 100


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
        """Count one search. One INSERT ... ON CONFLICT DO UPDATE (as trending.counting does): concurrent
        searches never lose a count and need no read first."""
        query = normalise(query)[:LOGGED_QUERY_LENGTH]
        if not query:
            return
        quote = connection.ops.quote_name
        table = quote(cls._meta.db_table)
        searches, zero, widened = quote("searches"), quote("zero_results"), quote("relaxed")
        sql = (f"INSERT INTO {table} ({quote('day')}, {quote('query')}, {searches}, {zero}, {widened}) "
               f"VALUES (%s, %s, 1, %s, %s) "
               f"ON CONFLICT ({quote('day')}, {quote('query')}) DO UPDATE SET {searches} = {table}.{searches} + 1, "
               f"{zero} = {table}.{zero} + EXCLUDED.{zero}, {widened} = {table}.{widened} + EXCLUDED.{widened}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [connection.ops.adapt_datefield_value(timezone.localdate()), query,
                                 0 if found else 1, 1 if found and relaxed else 0])
