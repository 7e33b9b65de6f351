from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers the check, connects the purge receivers)
