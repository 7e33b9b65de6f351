from django.apps import AppConfig

from core.versions import forget


def forget_restrictions(**kwargs):
    forget("view-restrictions")


class NewsConfig(AppConfig):
    name = "news"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save
        from taggit.models import Tag
        from wagtail.models import Page, PageViewRestriction
        from wagtail.signals import post_page_move

        from .tags import give_every_tag_a_usable_slug

        pre_save.connect(give_every_tag_a_usable_slug, sender=Tag, dispatch_uid="news-tag-slugs")

        # This process's copy of the view restrictions (news.models.restricted_paths) is dropped at
        # the very start of a change that affects them: news is ready before search, so receivers
        # that run inside the same signal — the search index's, with inline tasks — see the change.
        # Other processes drop theirs when the whole-site purge that follows changes the version.
        # (A module-level function: signals hold receivers weakly, and a closure would be collected.)
        for signal in (post_save, post_delete):
            signal.connect(forget_restrictions, sender=PageViewRestriction, dispatch_uid="news-restrictions")
        post_page_move.connect(forget_restrictions, dispatch_uid="news-restrictions-move")
        post_delete.connect(forget_restrictions, sender=Page, dispatch_uid="news-restrictions-delete")
