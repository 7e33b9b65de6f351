"""Whether an article shows comments and whether it takes new ones: one answer for the template, the
posting view and the admin.

- shown: the article is one readers may see (live, public, in its publication window: core's
  visibility rule) and comments are not off for it or a section above it. Nothing of a comment is
  shown — not even a count — on any other article.
- open: shown, and not closed by an editor, and published less than COMMENTS_CLOSE_AFTER_DAYS ago.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from wagtail.models import Page

from news.models import ArticlePage

from .models import CommentRule


def readable(article, exact=False):
    return ArticlePage.objects.visible(exact=exact).filter(pk=article.pk).exists()


def rule_states(article):
    """The states editors set on the article and the pages above it."""
    paths = [article.path[:end] for end in range(Page.steplen, len(article.path) + 1, Page.steplen)]
    return set(CommentRule.objects.filter(page__path__in=paths).values_list("state", flat=True))


def closes_at(article):
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    published = article.first_published_at or article.published_date
    if not days or published is None:
        return None
    return published + timedelta(days=days)


class Status:
    def __init__(self, shown, open_, reason=""):
        self.shown, self.open, self.reason = shown, open_, reason


def status(article, exact=False):
    if not readable(article, exact=exact):
        return Status(False, False, "unavailable")
    states = rule_states(article)
    if CommentRule.State.OFF in states:
        return Status(False, False, "off")
    if CommentRule.State.CLOSED in states:
        return Status(True, False, "closed")
    ends = closes_at(article)
    if ends is not None and ends <= timezone.now():
        return Status(True, False, "closed")
    return Status(True, True)
