from django.apps import AppConfig


class TrendingConfig(AppConfig):
    name = "trending"

    def ready(self):
        from . import demo  # noqa: F401  (seeds readers' views when the demo newsroom is loaded)
