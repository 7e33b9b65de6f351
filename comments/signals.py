"""A comment readers can see appears, changes or goes: purge the one page that shows it, the article's
own (the comment list and the count in its byline are on no other page). And when one is approved,
its article's authors may hear of it."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from pagecache.purge import full_urls, purge, relative_url

from .models import Comment, CommentRule


def purge_article_page(article):
    path = relative_url(article)
    if path:
        purge({path}, full_urls(article, {path}))


@receiver(post_save, sender=Comment)
def comment_saved(sender, instance, created, **kwargs):
    was_shown = getattr(instance, "_status_loaded", None) == Comment.Status.APPROVED
    if instance.shown_to_readers or was_shown:
        purge_article_page(instance.article)
    if instance.shown_to_readers and not was_shown and settings.COMMENTS_NOTIFY_AUTHORS:
        from .tasks import notify_authors

        comment_id = instance.pk
        transaction.on_commit(lambda: notify_authors.enqueue(comment_id))
    instance._status_loaded = instance.status


@receiver(post_delete, sender=Comment)
def comment_deleted(sender, instance, **kwargs):
    if getattr(instance, "_status_loaded", instance.status) == Comment.Status.APPROVED:
        purge_article_page(instance.article)


@receiver(post_save, sender=CommentRule)
@receiver(post_delete, sender=CommentRule)
def rule_changed(sender, instance, **kwargs):
    """Closing or turning off comments changes the article page at once: the article's own page, or
    for a section every article below it (any number of pages: the whole cache)."""
    from news.models import ArticlePage

    page = instance.page.specific
    if isinstance(page, ArticlePage):
        purge_article_page(page)
    else:
        purge(None)
