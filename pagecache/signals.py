"""Content changes → purges (purge.py says what each one drops)."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.models import SiteSettings
from home.models import NavigationItem
from news.models import ArticlePage, Author

from .purge import article_paths, full_urls, purge, relative_url, shown_on_every_page


def _cdn_urls(page):
    page = page.specific
    if isinstance(page, ArticlePage):
        return full_urls(page, article_paths(page))
    own = relative_url(page)
    return full_urls(page, {"/", own} if own else {"/"})


# What an article's card shows wherever it is listed: besides its own listings, in other articles'
# Related Posts, which no path list can name (more_like_this decides at render time).
# (The slug too: other pages link to the article's address.)
CARD_FIELDS = ("title", "slug", "standfirst", "lead_image_id", "published_date")


@receiver(pre_save, sender=ArticlePage)
def remember_live_card(sender, instance, update_fields=None, **kwargs):
    """Before Wagtail saves a publication over a live article: its card as readers see it now.
    (Draft saves name their update_fields and leave the live row alone.)"""
    if instance.pk and update_fields is None:
        instance._live_card = ArticlePage.objects.filter(pk=instance.pk, live=True).values_list(*CARD_FIELDS).first()


@receiver(page_published)
def page_published_(sender, instance, **kwargs):
    page = instance.specific
    if isinstance(page, ArticlePage):
        paths = article_paths(page)
        before = getattr(instance, "_live_card", None)
        corrected = before is not None and before != tuple(getattr(page, name) for name in CARD_FIELDS)
        # A new article usually joins the ticker (topped up with the latest); a corrected headline
        # (or standfirst, picture, date) is on any page that lists it; otherwise a republished
        # article touches only its own listings.
        everywhere = corrected or shown_on_every_page(page)
        purge(None if everywhere else paths, full_urls(page, paths))
    else:
        # Sections and the home page are in every page's navigation; the home page holds the curation.
        purge(None, _cdn_urls(page))


@receiver(page_unpublished)
def page_unpublished_(sender, instance, **kwargs):
    purge(None, _cdn_urls(instance))


@receiver(post_page_move)
def page_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    site = instance.get_site()
    urls = _cdn_urls(instance)
    if site is not None and url_path_before.startswith(site.root_page.url_path):
        urls.append(site.root_url + "/" + url_path_before[len(site.root_page.url_path):])
    purge(None, urls)


@receiver(pre_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.live:
        purge(None, _cdn_urls(instance))


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def view_restriction_changed(sender, instance, **kwargs):
    purge(None)


# Bylines, tags and the navigation appear on cards and headers everywhere.
@receiver(post_save, sender=Author)
@receiver(post_delete, sender=Author)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
@receiver(post_save, sender=NavigationItem)
@receiver(post_delete, sender=NavigationItem)
# A Site's hostname and port are in every absolute link (canonical URLs, feeds, sitemaps).
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def site_wide_change(sender, instance, **kwargs):
    purge(None)


@receiver(post_save, sender=SiteSettings)
def site_settings_saved(sender, instance, created, **kwargs):
    # for_site() creates the row with its defaults on the first page view: nothing readers saw changes.
    if not created:
        purge(None)


@receiver(post_save, sender=get_image_model())
@receiver(post_delete, sender=get_image_model())
def image_changed(sender, instance, created=False, **kwargs):
    # A new upload is on no page yet; an edited or deleted one may be anywhere, with new renditions.
    if not created:
        purge(None)
