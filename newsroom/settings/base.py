"""Settings shared by every environment.

Every deploy-time value comes from an environment variable with a safe local default, so a fresh
clone runs with no configuration and production is configured without editing code. Only plain
values live here: what is computed from them (search backends, caches, tasks, database options)
is built once by derived.finish() at the end of dev.py, test.py and production.py.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Everything the site writes locally (SQLite file, media, search node data) lives under var/.
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core",
    "home",
    "news",
    "search",
    "health",
    "feeds",
    "newsletter",
    "comments",
    "trending",
    "sharing",
    "pagecache",
    "wordpress",
    "security",
    "csp",
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "taskqueue",  # before django_tasks_db: its db_worker command takes the library's place
    "django_tasks",
    "django_tasks_db",
    "storages",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves compressed, hashed static files from gunicorn without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Security headers outside the page cache, so a cached page (a HIT) gets the same, current ones
    # as a fresh one (SecurityMiddleware's come first of all).
    "security.middleware.CSPMiddleware",  # django-csp's, the header built once (security/middleware.py)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "security.middleware.PermissionsPolicyMiddleware",
    # An old WordPress site's /?p=123 addresses (wordpress/middleware.py): "/" is the home page, so
    # Wagtail's redirects (404s only) never see them, and the page cache would answer with the home page.
    "wordpress.middleware.WordPressQueryRedirectMiddleware",
    # Anonymous readers' pages from the cache, before sessions and authentication cost anything.
    "pagecache.middleware.PageCacheMiddleware",
    # Wagtail's site for the request from this process's copy (core/sites.py): two queries fewer.
    "core.sites.SiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# Database: DATABASE_URL (postgres://user:pass@host:5432/name in production); SQLite under var/
# is the zero-setup default for `make run`.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Derived in derived.finish(): SQLite's write lock mode, and the pool in gevent workers.
DATABASE_POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE", "4"))  # per gevent worker
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttle (django-axes): after AXES_FAILURE_LIMIT wrong passwords in a row for one username
# from one address, that username is refused from that address — the right password included —
# for AXES_COOLOFF_MINUTES (each further attempt meanwhile starts the wait again). The same user
# elsewhere and other users here are not affected, so nobody can lock an editor out from afar.
# `manage.py axes_reset` (or axes_reset_username NAME) lifts every lockout at once.
# AxesBackend first: it refuses a locked-out sign-in before ModelBackend checks the password. It is a
# ModelBackend too (users, permissions), which Wagtail's test helpers expect of the first backend.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a successful sign-in forgets the earlier mistakes
AXES_LOCKOUT_CALLABLE = "security.views.locked_out"  # 429 with Retry-After and a page saying when
AXES_DISABLE_ACCESS_LOG = True  # failures are what the throttle needs; no record of every sign-in
# Behind a load balancer, gunicorn's REMOTE_ADDR is the balancer's: set TRUSTED_PROXY_COUNT to the
# number of proxies that append to X-Forwarded-For, and the client's address is read from there
# (security/ip.py). Left at 0, X-Forwarded-For is ignored: a client could write anything in it.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "security.ip.client_ip"
AXES_VERBOSE = False  # no banner from every manage.py command

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static files: collected into var/static and served by WhiteNoise.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"

# Media: local disk under var/media by default; S3 (or any S3-compatible store) through
# django-storages when AWS_STORAGE_BUCKET_NAME is set. boto3 reads credentials from the usual
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables or an instance role.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
# Django serves local media itself in development and tests; in production a web server, a CDN or
# S3 does (see docs/configuration.md and docs/operations.md).
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_BACKEND = "storages.backends.s3.S3Storage"
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_LOCATION = os.environ.get("AWS_LOCATION", "media")
    # Uploaded files never overwrite each other; objects are private unless a CDN domain fronts them.
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", AWS_S3_CUSTOM_DOMAIN is None)
    # Signature version 4: every AWS region accepts it (newer ones accept nothing else) and so do
    # MinIO and Ceph; left unset, boto3 still signs URLs with the legacy version 2 in us-east-1.
    AWS_S3_SIGNATURE_VERSION = os.environ.get("AWS_S3_SIGNATURE_VERSION") or "s3v4"
    # How long a signed media URL works, in seconds (S3 caps version 4 signatures at 7 days). Pages
    # embed these URLs, so any cached copy of a page (a CDN's s-maxage, a page cache) must expire
    # well before this, or readers get images that answer 403.
    AWS_QUERYSTRING_EXPIRE = int(os.environ.get("AWS_QUERYSTRING_EXPIRE") or 3600)
    if not 0 < AWS_QUERYSTRING_EXPIRE <= 7 * 24 * 3600:
        raise ImproperlyConfigured("AWS_QUERYSTRING_EXPIRE must be between 1 and 604800 seconds (7 days)")
    # Stored on every uploaded object and sent with it. Renditions are named after their original,
    # filter and focal point, and uploads never overwrite a stored file, so an object's bytes never
    # change under its name: browsers and CDNs may keep it for a year.
    AWS_S3_OBJECT_PARAMETERS = {
        "CacheControl": os.environ.get("AWS_S3_CACHE_CONTROL") or "public, max-age=31536000, immutable",
    }
    # The document link stays /documents/<id>/<name>/: Wagtail checks collection privacy there,
    # then redirects to a freshly signed URL, so no signed URL is ever stored in a page's HTML.
    # ("direct" would skip both; "serve_view" would stream every download through gunicorn.)
    WAGTAILDOCS_SERVE_METHOD = "redirect"
else:
    MEDIA_BACKEND = "django.core.files.storage.FileSystemStorage"


def is_ip_address(host):
    try:
        ipaddress.ip_address(host or "")
    except ValueError:
        return False
    return True


def media_origins():
    """Where readers' browsers load media from other than this site, for the CSP's img-src: the CDN
    domain in front of the bucket, the S3-compatible endpoint, or the bucket's AWS address (boto3
    signs either the virtual-hosted or the path-style form, so both are allowed). CSP_MEDIA_ORIGINS
    replaces the guess when the media sit somewhere else again."""
    explicit = env_list("CSP_MEDIA_ORIGINS", [])
    if explicit:
        return explicit
    origins = []
    if urlsplit(MEDIA_URL).netloc:  # MEDIA_URL on a separate host
        origins.append("{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)))
    if AWS_STORAGE_BUCKET_NAME:
        if AWS_S3_CUSTOM_DOMAIN:
            origins.append(f"https://{AWS_S3_CUSTOM_DOMAIN.split('/')[0]}")
        elif AWS_S3_ENDPOINT_URL:
            endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
            origins.append(f"{endpoint.scheme}://{endpoint.netloc}")
            if not is_ip_address(endpoint.hostname):  # an address has no virtual-hosted form
                origins.append(f"{endpoint.scheme}://{AWS_STORAGE_BUCKET_NAME}.{endpoint.netloc}")
        else:
            origins.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com")
            if AWS_S3_REGION_NAME:
                origins.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com")
    return list(dict.fromkeys(origins))


STORAGES = {
    "default": {"BACKEND": MEDIA_BACKEND},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Security headers, the same in every environment so the test suite sees what readers get. HSTS
# and the HTTPS-only cookies are production's (newsroom/settings/production.py).
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links out to other sites say which site sent the reader, never which page.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Only this site may frame its pages: Wagtail's preview panel shows the page in an iframe of the
# admin, and renders it through the whole middleware stack as a request for the page's own URL
# (Page.make_preview_request), so the preview carries the public pages' headers. (Django's deploy
# check asks for DENY: security.W019 is silenced in production.py for this reason.)
X_FRAME_OPTIONS = "SAMEORIGIN"
# Browser features no page uses, off for every page and whatever it embeds (security/middleware.py).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Content-Security-Policy (django-csp) on everything readers get. No 'unsafe-inline' and no nonces:
# pages come from a shared page cache, so a per-request nonce would be replayed to every reader.
# Every script and style is a static file; <script type="application/ld+json"> is data, not run.
# The Wagtail admin (and Django's) is left out: its pages carry Wagtail's own inline scripts and
# styles, which a policy would have to allow with 'unsafe-inline', protecting nothing; the admin is
# behind a login, and keeps X-Frame-Options. The live preview is rendered as a request for the
# page's URL, so it is under the policy like the page itself. The editors' userbar on public
# pages loads from static files and works under this policy (tests/browser/test_csp.py).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *media_origins()],
        # Embed blocks are the providers' players (YouTube, Vimeo…) in iframes over HTTPS. Their
        # scripts (a post's widgets.js) are not allowed: such embeds show as the provider's plain
        # markup, a quote with a link.
        "frame-src": ["'self'", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # As X-Frame-Options: framed by this site only (the preview panel, above).
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
    },
}

# Caches: Redis when REDIS_URL is set (production: one Redis shared by every app server, so a purge
# reaches them all); otherwise files under var/cache, which the web server, the task worker and the
# scheduler on one machine share (a per-process memory cache would miss the others' purges).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "newsroom")


# CACHES: derived.finish() builds the "default", "renditions" and "pages" caches from these.
CACHE_DIR = VAR_DIR / "cache"

# The page cache (pagecache/): anonymous readers' pages, purged on publish, unpublish, move and
# every other change readers would notice. PAGE_CACHE_SECONDS=0 turns it off.
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Parts of pages ({% fragment %}, pagecache/templatetags/fragment_tags.py) kept under the page cache's
# version tokens: what editors, readers with a session, and pages the page cache may not store render
# from. FRAGMENT_CACHE_SECONDS=0 renders everything every time.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "600"))
PAGE_CACHE_EXCLUDE = ["/admin/", "/django-admin/", "/draft/", "/api/", "/healthz", "/newsletter/", "/documents/",
                      "/search/suggest/", "/comments/"]
# Cache-Control on cached pages: browsers keep them briefly, a CDN longer (purged by Wagtail's
# frontend cache when configured, below), and may serve a stale copy while it refetches or while
# the site is down.
CACHE_CONTROL_MAX_AGE = int(os.environ.get("CACHE_CONTROL_MAX_AGE", "60"))
CACHE_CONTROL_S_MAXAGE = int(os.environ.get("CACHE_CONTROL_S_MAXAGE", "120"))
CACHE_CONTROL_STALE_WHILE_REVALIDATE = int(os.environ.get("CACHE_CONTROL_STALE_WHILE_REVALIDATE", "60"))
CACHE_CONTROL_STALE_IF_ERROR = int(os.environ.get("CACHE_CONTROL_STALE_IF_ERROR", "86400"))

# A CDN or reverse proxy in front (Wagtail's frontend cache): purged with the same URLs as the
# page cache, through the task queue. Any of these turns it on.
WAGTAILFRONTENDCACHE = {}
if os.environ.get("FRONTEND_CACHE_PURGE_URL"):  # Varnish, nginx, Fastly-style PURGE requests
    WAGTAILFRONTENDCACHE["http"] = {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                                    "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"]}
if os.environ.get("CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {"BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
                                          "ZONEID": os.environ["CLOUDFLARE_ZONE_ID"],
                                          "BEARER_TOKEN": os.environ.get("CLOUDFLARE_BEARER_TOKEN", "")}
if os.environ.get("CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {"BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
                                          "DISTRIBUTION_ID": os.environ["CLOUDFRONT_DISTRIBUTION_ID"]}

# Search: Wagtail's OpenSearch 2 backend (modelsearch underneath). Each environment gets its own
# index prefix so the test suite can never touch the development or production indexes.
# Every node of a cluster, comma-separated: a client goes to the next node when one is down.
OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL", "http://127.0.0.1:9200")
# Copies of each shard on other nodes: 0 on one node; 1 or more on a cluster, so losing a node loses
# no data and searches keep answering (production's default is 1).
OPENSEARCH_REPLICAS = int(os.environ.get("OPENSEARCH_REPLICAS", "0"))
OPENSEARCH_INDEX_PREFIX = os.environ.get("OPENSEARCH_INDEX_PREFIX", "newsroom_")
OPENSEARCH_TIMEOUT = float(os.environ.get("OPENSEARCH_TIMEOUT", "5"))
# Readers' searches give up sooner than indexing: the results page must answer within a second.
SEARCH_TIMEOUT = float(os.environ.get("SEARCH_TIMEOUT", "0.8"))
# The view beacon (Top Trending): a page's signed token is good this long (pages are cached for
# minutes, kept open for hours); one client counts for at most this many articles a day.
VIEW_TOKEN_MAX_AGE = int(os.environ.get("VIEW_TOKEN_MAX_AGE", str(2 * 24 * 3600)))
VIEW_BEACON_DAILY_LIMIT = int(os.environ.get("VIEW_BEACON_DAILY_LIMIT", "100"))
# Newsletter signups accepted per hour from one network (a /24 or /64): each sends a mail.
NEWSLETTER_SIGNUPS_PER_HOUR = int(os.environ.get("NEWSLETTER_SIGNUPS_PER_HOUR", "10"))
# Readers' comments (comments/). Articles stop taking comments this many days after first publication
# (0: never); editors also close them per article, or turn them off per section (Comments → Settings).
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("COMMENTS_CLOSE_AFTER_DAYS", "30"))
# Commenters' email addresses and client hashes are blanked, and spam and rejected comments deleted,
# after this many days (manage.py purge_comment_personal_data, run daily).
COMMENTS_RETENTION_DAYS = int(os.environ.get("COMMENTS_RETENTION_DAYS", "90"))
# A commenter with an approved comment is approved at once; off: every comment waits for an editor.
COMMENTS_AUTO_APPROVE_KNOWN = env_bool("COMMENTS_AUTO_APPROVE_KNOWN", True)
# Spam measures: the least time from page to post (a person reads and types), the most links in a
# comment, posts per hour from one client, and how long a page's form stays good (open tabs).
COMMENTS_MIN_SECONDS = float(os.environ.get("COMMENTS_MIN_SECONDS", "3"))
COMMENTS_MAX_LINKS = int(os.environ.get("COMMENTS_MAX_LINKS", "2"))
COMMENTS_PER_HOUR = int(os.environ.get("COMMENTS_PER_HOUR", "5"))
COMMENTS_TOKEN_MAX_AGE = int(os.environ.get("COMMENTS_TOKEN_MAX_AGE", str(2 * 24 * 3600)))
# Mail an article's authors (their address in Snippets → Authors) when a comment on it is published.
COMMENTS_NOTIFY_AUTHORS = env_bool("COMMENTS_NOTIFY_AUTHORS", True)
# The search query log (Reports → Search queries) keeps this many distinct queries a day (more are
# counted in one "other queries" row: anyone can send endless distinct queries), for this many days.
SEARCH_LOG_MAX_QUERIES_PER_DAY = int(os.environ.get("SEARCH_LOG_MAX_QUERIES_PER_DAY", "5000"))
SEARCH_LOG_DAYS = int(os.environ.get("SEARCH_LOG_DAYS", "400"))
# Readers' searches are counted in memory and written at most this often per process, after a
# response has gone (search/models.py SearchQueryLog.flush): not a database write per search.
SEARCH_LOG_FLUSH_SECONDS = float(os.environ.get("SEARCH_LOG_FLUSH_SECONDS", "2"))
# After this many failed searches in a row a process stops asking OpenSearch for this many seconds
# (search.client.CircuitBreaker): readers get "unavailable" at once instead of waiting each time.
SEARCH_BREAKER_FAILURES = int(os.environ.get("SEARCH_BREAKER_FAILURES", "3"))
SEARCH_BREAKER_SECONDS = float(os.environ.get("SEARCH_BREAKER_SECONDS", "10"))
# /healthz/status (each dependency's state and errors, the index lag) is for staff, or for
# monitoring that sends "Authorization: Bearer <this>". Empty: staff only.
HEALTH_STATUS_TOKEN = os.environ.get("HEALTH_STATUS_TOKEN", "")

# WAGTAILSEARCH_BACKENDS: derived.finish(), from the four OPENSEARCH_* values above.

# Background tasks (search indexing, Wagtail's and ours): a durable queue in the database, worked
# by `manage.py db_worker` (make run / make serve start one). A task is a row written in the same
# transaction as the change that caused it, so it exists exactly when the change commits.
# TASKS_BACKEND=immediate runs tasks inline instead (the test suite does; no worker needed).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")  # or "immediate"; TASKS: derived.finish()

WAGTAIL_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The admin makes no requests to other sites: user avatars are Wagtail's own (Gravatar's were broken
# images wherever the admin cannot reach it, and told it who edits), and no check for new releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # opensearch-py logs every request at INFO; keep warnings only.
        "opensearch": {"level": os.environ.get("OPENSEARCH_LOG_LEVEL", "WARNING")},
        # One line per task state change is too chatty outside debugging.
        "django_tasks": {"level": os.environ.get("TASKS_LOG_LEVEL", "WARNING")},
    },
}

# New tags get ASCII slugs ("Café society" → cafe-society), which read well in URLs.
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True

# Mail: newsletter confirmations and issues, sent over SMTP in production (console in dev).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Newsroom <newsroom@localhost>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
