"""Local development: `make run`. SQLite, DEBUG on, a fixed dev-only secret."""

import os

from .base import *  # noqa: F403
from .base import env_bool
from .derived import finish

DEBUG = env_bool("DEBUG", True)
# Only ever used on a developer's machine; production refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
OPENSEARCH_INDEX_PREFIX = os.environ.get("OPENSEARCH_INDEX_PREFIX", "newsroom_dev_")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SERVE_MEDIA = True

finish(globals())
