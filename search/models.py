"""What editors control about search (synonyms) and what search records for them (the query log).

Promoted results ("for this query, show this article first") are Wagtail's own
wagtail.contrib.search_promotions, under Settings → Promoted search results.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
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

    # Counts not yet written, per (day, query) in the order first seen: this process's searches since
    # the last flush. The write is taken off the reader's request (it was a commit per search):
    # flush() runs after a response has been sent (request_finished) at most once every
    # SEARCH_LOG_FLUSH_SECONDS, and when the process exits. A process killed outright loses at most
    # those seconds of counts — an editors' report, not content.
    _pending = {}
    _last_flush = 0.0

    @classmethod
    def record(cls, query, found, relaxed=False):
        """Count one search (written by the next flush())."""
        query = normalise(query)[:LOGGED_QUERY_LENGTH]
        if not query:
            return
        counts = cls._pending.setdefault((timezone.localdate(), query), [0, 0, 0])
        counts[0] += 1
        counts[1] += 0 if found else 1
        counts[2] += 1 if found and relaxed else 0

    @classmethod
    def flush(cls, force=True):
        """Write the pending counts: for a query already logged that day one UPDATE, for a new one an
        INSERT ... ON CONFLICT DO UPDATE (as trending.counting does: concurrent writers never lose a
        count), unless the day already holds SEARCH_LOG_MAX_QUERIES_PER_DAY queries: anyone can send
        endless distinct queries, so past the limit they are counted together in one OVERFLOW row.
        force=False writes only when SEARCH_LOG_FLUSH_SECONDS have passed since the last write."""
        now = time.monotonic()
        if not force and now - cls._last_flush < settings.SEARCH_LOG_FLUSH_SECONDS:
            return
        pending, cls._pending, cls._last_flush = cls._pending, {}, now
        if pending:
            cls.write(pending)

    @classmethod
    def write(cls, pending):
        """Add {(day, query): [searches, zero_results, relaxed]} to the log in one transaction.

        Rows are written in (day, query) order. Every worker flushes its own batch, and each UPDATE
        or upsert locks its row until the commit: two workers taking the same rows in the orders
        their readers happened to search in deadlocked under load (PostgreSQL then cancels one
        batch, and its counts were lost). In one order, the second simply waits for the first."""
        overflow = {}
        with transaction.atomic():  # one commit for the batch
            for (day, query), counts in sorted(pending.items()):
                cls._forget_old_days(day)
                if cls._add(day, query, counts):
                    continue
                if cls.objects.filter(day=day).count() >= settings.SEARCH_LOG_MAX_QUERIES_PER_DAY:
                    # Written after every other row, so that the OVERFLOW rows too are taken in one order.
                    total = overflow.setdefault(day, [0, 0, 0])
                    total[:] = [a + b for a, b in zip(total, counts, strict=True)]
                else:
                    cls._upsert(day, query, counts)
            for day, counts in sorted(overflow.items()):
                cls._upsert(day, OVERFLOW, counts)

    @classmethod
    def _add(cls, day, query, counts):
        """Add to the day's row for this query; False when there is none yet."""
        searches, zero, widened = counts
        return cls.objects.filter(day=day, query=query).update(
            searches=F("searches") + searches, zero_results=F("zero_results") + zero,
            relaxed=F("relaxed") + widened) > 0

    @classmethod
    def _upsert(cls, day, query, counts):
        quote = connection.ops.quote_name
        table = quote(cls._meta.db_table)
        searches_, zeros, relaxeds = quote("searches"), quote("zero_results"), quote("relaxed")
        sql = (f"INSERT INTO {table} ({quote('day')}, {quote('query')}, {searches_}, {zeros}, {relaxeds}) "
               f"VALUES (%s, %s, %s, %s, %s) "
               f"ON CONFLICT ({quote('day')}, {quote('query')}) DO UPDATE SET "
               f"{searches_} = {table}.{searches_} + EXCLUDED.{searches_}, "
               f"{zeros} = {table}.{zeros} + EXCLUDED.{zeros}, "
               f"{relaxeds} = {table}.{relaxeds} + EXCLUDED.{relaxeds}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [connection.ops.adapt_datefield_value(day), query, *counts])

    _forgotten_before = None  # the day this process last deleted old days

    @classmethod
    def _forget_old_days(cls, today):
        """Keep SEARCH_LOG_DAYS days (the report looks back a year at most): once a day per process."""
        if cls._forgotten_before != today:
            cls._forgotten_before = today
            cls.objects.filter(day__lt=today - timedelta(days=settings.SEARCH_LOG_DAYS)).delete()
