"""Which events change what readers may find, and which articles each one touches.

Every receiver only works out article ids and enqueues search.tasks.sync_articles; the task reads
the database and decides per article (index it or remove it), so a receiver never needs to know
whether its event makes an article visible or hides it.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.urls import reverse
from taggit.models import Tag
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.batching import defer
from news.models import ArticleAuthor, ArticlePage, ArticlePageTag, Author, SectionPage
from pagecache.purge import purge

from . import promotions, synonyms
from .models import SearchSettings
from .tasks import sync_articles

BATCH = 500


def enqueue(article_ids):
    """Index (or remove) these articles through the task queue; inside core.batching.batched_changes()
    once, at the end of the batch."""
    if defer(enqueue, article_ids):
        return
    article_ids = sorted(set(article_ids))
    for start in range(0, len(article_ids), BATCH):
        sync_articles.enqueue(article_ids[start:start + BATCH])


def articles_at_or_below(page):
    """The page itself if it is an article, and every article below it (a section's articles)."""
    return list(ArticlePage.objects.filter(path__startswith=page.path).values_list("pk", flat=True))


def _is_tree_change(page):
    # Home page edits change no document; a section's title, slug or state changes all of its articles'.
    return isinstance(page, ArticlePage | SectionPage) or page.specific_class in (ArticlePage, SectionPage)


@receiver(page_published)
@receiver(page_unpublished)
def page_state_changed(sender, instance, **kwargs):
    if _is_tree_change(instance):
        enqueue(articles_at_or_below(instance))


@receiver(post_page_move)
def page_moved(sender, instance, **kwargs):
    if _is_tree_change(instance):
        enqueue(articles_at_or_below(instance))


@receiver(post_delete, sender=ArticlePage)
def article_deleted(sender, instance, **kwargs):
    # Deleting a section deletes its articles one by one here too (Django's collector sends each).
    enqueue([instance.pk])


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def view_restriction_changed(sender, instance, **kwargs):
    try:
        page = Page.objects.get(pk=instance.page_id)
    except Page.DoesNotExist:  # the page itself is being deleted: its articles are handled above
        return
    enqueue(articles_at_or_below(page))


@receiver(post_save, sender=Author)
def author_saved(sender, instance, **kwargs):
    enqueue(ArticleAuthor.objects.filter(author=instance).values_list("page_id", flat=True))


@receiver(post_save, sender=Tag)
def tag_saved(sender, instance, **kwargs):
    enqueue(ArticlePageTag.objects.filter(tag=instance).values_list("content_object_id", flat=True))


# A deleted author or tag drops off its articles; their ids are only known before the delete.
@receiver(pre_delete, sender=Author)
@receiver(pre_delete, sender=Tag)
def remember_articles(sender, instance, **kwargs):
    if sender is Author:
        links = ArticleAuthor.objects.filter(author=instance).values_list("page_id", flat=True)
    else:
        links = ArticlePageTag.objects.filter(tag=instance).values_list("content_object_id", flat=True)
    instance._search_article_ids = list(links)


@receiver(post_delete, sender=Author)
@receiver(post_delete, sender=Tag)
def author_or_tag_deleted(sender, instance, **kwargs):
    enqueue(getattr(instance, "_search_article_ids", []))


@receiver(post_save, sender=SearchSettings)
def synonyms_saved(sender, instance, **kwargs):
    # Synonyms apply at query time: this process reads them again now, others within seconds.
    synonyms.forget()


@receiver(post_save, sender=SearchPromotion)
@receiver(post_delete, sender=SearchPromotion)
def promotion_changed(sender, instance, **kwargs):
    # Each process keeps the promotions under the results page's version tokens (search/promotions.py):
    # a fresh path version for /search/ makes them read again, now and once the change commits.
    promotions.forget()
    purge([reverse("search")])
