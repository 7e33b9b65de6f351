from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"

    def ready(self):
        from django.db.models.signals import pre_save
        from taggit.models import Tag

        from .tags import give_every_tag_a_usable_slug

        pre_save.connect(give_every_tag_a_usable_slug, sender=Tag, dispatch_uid="news-tag-slugs")
