"""Settings computed from other settings, once, at the end of each environment's module.

base.py reads plain values from the environment; dev.py, test.py and production.py change the plain
values they need (an index prefix, a cache directory, the task backend, replicas) and end with
`finish(globals())`, which builds everything that depends on them. An environment therefore never
recomputes a derived setting, and none can be left computed from a value it overrode.
"""

from core.addresses import opensearch_urls
from newsroom import greenlets

TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend",
                 "immediate": "django_tasks.backends.immediate.ImmediateBackend"}


def cache_backend(name, redis_url, key_prefix, directory, ignore_errors=True):
    """django-redis rather than Django's own Redis backend: it can treat an unreachable Redis as a
    miss (IGNORE_EXCEPTIONS) — Wagtail reads the cache on every page (site root paths, renditions),
    so a Redis outage would otherwise take the whole site down with it."""
    if redis_url:
        return {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": redis_url,
                "KEY_PREFIX": f"{key_prefix}:{name}", "TIMEOUT": None,
                "OPTIONS": {"IGNORE_EXCEPTIONS": ignore_errors, "LOG_IGNORED_EXCEPTIONS": True,
                            # A hung Redis costs a reader a fraction of a second, not a worker.
                            "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25}}
    return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(directory / name), "TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 20_000}}


def all_caches(redis_url, key_prefix, directory):
    # "renditions" is Wagtail's: it keeps image rendition lookups out of the database. "pages" sees
    # Redis errors (the page cache handles them, and must know when a purge did not happen).
    return {"default": cache_backend("default", redis_url, key_prefix, directory),
            "renditions": cache_backend("renditions", redis_url, key_prefix, directory),
            "pages": cache_backend("pages", redis_url, key_prefix, directory, ignore_errors=False)}


def finish(s):
    """Fill in the derived settings of the settings module whose globals() `s` is."""
    # Search: Wagtail's OpenSearch 2 backend (modelsearch underneath), under the environment's prefix.
    s["WAGTAILSEARCH_BACKENDS"] = {"default": {
        "BACKEND": "wagtail.search.backends.opensearch2",
        "URLS": opensearch_urls(s["OPENSEARCH_URL"]),
        "INDEX_PREFIX": s["OPENSEARCH_INDEX_PREFIX"],
        "TIMEOUT": s["OPENSEARCH_TIMEOUT"],
        "OPTIONS": {},
        "INDEX_SETTINGS": {"settings": {"index": {"number_of_replicas": s["OPENSEARCH_REPLICAS"]}}},
    }}
    s["CACHES"] = all_caches(s["REDIS_URL"], s["CACHE_KEY_PREFIX"], s["CACHE_DIR"])
    s["TASKS"] = {"default": {"BACKEND": TASK_BACKENDS[s["TASKS_BACKEND"]]}}

    database = s["DATABASES"]["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # The site, the task worker and the scheduler all write: take the write lock at the start of
        # a transaction and wait for it, rather than failing with "database is locked".
        database.setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
    if greenlets.active():  # a gunicorn gevent worker (GUNICORN_WORKER_CLASS=gevent)
        # A connection kept per greenlet would never be reused (each request is a new greenlet) and
        # would stay open until garbage-collected. Requests borrow PostgreSQL connections from a
        # small pool per worker instead (psycopg's pool, through Django's own "pool" option); SQLite
        # opens one per request, which is cheap.
        database["CONN_MAX_AGE"] = 0
        if database["ENGINE"] == "django.db.backends.postgresql":
            database.setdefault("OPTIONS", {})["pool"] = {
                "min_size": 1, "max_size": s["DATABASE_POOL_SIZE"], "timeout": 10}
