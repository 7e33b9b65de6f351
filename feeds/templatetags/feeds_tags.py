from datetime import UTC, datetime

from django import template

from news.text import publishable

register = template.Library()


@register.filter
def w3c_datetime(value):
    """A W3C Datetime (what sitemaps and Google News expect) to the second, in UTC:
    2025-11-25T13:30:00+00:00. Django's |date:"c" would add microseconds, and its sitemap template
    keeps only the day, which hides same-day corrections."""
    if not value:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(microsecond=0).isoformat()
    return value.isoformat()


@register.filter
def xml_text(value):
    """Text XML can carry (news.text.publishable): a sitemap must never be malformed by content."""
    return publishable(str(value))
