"""Production: gunicorn behind a load balancer. Secrets only from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import STORAGES, env_bool
from .derived import finish

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")

STORAGES = {
    **STORAGES,
    # WhiteNoise's CompressedManifestStaticFilesStorage, each URL worked out once (core/staticfiles.py).
    "staticfiles": {"BACKEND": "core.staticfiles.StaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# /healthz is probed over plain HTTP by load balancers.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Django's deploy check (`manage.py check --deploy`, tests/operations/test_production_settings.py) passes
# with no warnings; two are silenced on purpose:
# - security.W019 asks for X_FRAME_OPTIONS = "DENY". SAMEORIGIN is needed by Wagtail's preview
#   panel, which frames the page rendered with the public pages' headers (see base.py).
# - security.W021 asks for HSTS preloading, a commitment browsers keep for months for the whole
#   domain and its subdomains: it is the operator's to make (SECURE_HSTS_PRELOAD=true), not a default.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# An OpenSearch cluster keeps one copy of every shard on another node (OPENSEARCH_REPLICAS=0 for a
# single node, where a replica could never be placed and the cluster would stay yellow).
OPENSEARCH_REPLICAS = int(os.environ.get("OPENSEARCH_REPLICAS", "1"))

finish(globals())
