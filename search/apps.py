from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Reader search"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers that keep the index in step)
