"""Local development: `make run`. SQLite, a fixed dev-only secret; DEBUG=1 for Django's debug pages."""

import os

from .base import *  # noqa: F403
from .base import env_bool
from .derived import finish

# Off unless asked for: a newcomer's readers see the site's own 404 and 500 pages, as in production,
# not Django's debug page (DEBUG=1 make run shows that).
DEBUG = env_bool("DEBUG", False)
# Static files straight from the app folders (no collectstatic), re-read when they change: WhiteNoise
# serves them whether DEBUG is on or not (runserver's own static view only works with DEBUG on).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Only ever used on a developer's machine; production refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
OPENSEARCH_INDEX_PREFIX = os.environ.get("OPENSEARCH_INDEX_PREFIX", "newsroom_dev_")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SERVE_MEDIA = True

finish(globals())
