from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        from . import privacy, signals  # noqa: F401  (page purges; the scheduled retention purge)
