"""The test suite: `make test`. PostgreSQL and OpenSearch come from DATABASE_URL / OPENSEARCH_URL,
which devenv.testenv sets to the services it starts."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR
from .derived import finish

DEBUG = False
SECRET_KEY = "test-only-key"
# Never configurable: whatever OPENSEARCH_INDEX_PREFIX says, tests use their own indexes.
OPENSEARCH_INDEX_PREFIX = "newsroom_test_"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SERVE_MEDIA = True
# Tasks run inline, so a test sees the index change right after the state change; the tests of the
# durable queue and its worker use the database backend (and TASKS_BACKEND=database for the worker).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
# The suite shares a small machine with a cold OpenSearch node (a first aggregation can take a
# second); readers' 0.8 s limit is asserted where it matters, in tests/searching/test_search_resilience.py.
SEARCH_TIMEOUT = float(os.environ.get("SEARCH_TIMEOUT", "5"))
# The suite runs on the Redis that devenv.testenv starts (REDIS_URL), under its own key prefix;
# without one, on files of its own. tests/conftest.py empties the caches before every test.
# Each search's count is written as its response finishes, so a test sees it at once (the batching has
# its own test).
SEARCH_LOG_FLUSH_SECONDS = 0.0
CACHE_KEY_PREFIX = "newsroom_test"
CACHE_DIR = VAR_DIR / "cache-test"

finish(globals())
