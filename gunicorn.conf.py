"""gunicorn, the production way: `gunicorn newsroom.wsgi` (or `make serve`) reads this file.

Every value comes from the environment, with defaults for one app server behind a load balancer.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # 0.0.0.0:8000 behind a load balancer
# Sync workers by default: pages are CPU-bound rendering with short waits on PostgreSQL, OpenSearch
# and Redis, and behind a buffering proxy (the supported front, docs/operations.md) they are the
# fastest and fairest choice: 2 × cores + 1 of them (tests/operations/test_load.py, 50 readers on 2 cores:
# sync 224 req/s, p95 0.58 s; gevent 183 req/s, p95 1.1 s; gthread 2 × 4 threads behind both).
# A sync worker is held by one slow client (slowloris: a request trickled a byte at a time), so an
# app server that must face clients directly runs GUNICORN_WORKER_CLASS=gevent: a slow client then
# holds a greenlet, and Django still serves one request at a time (newsroom/greenlets.py).
# tests/operations/test_slow_clients.py shows all three: sync frozen, behind the proxy fine, gevent fine.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))  # per worker, gevent only
threads = int(os.environ.get("GUNICORN_THREADS", "1"))  # gthread only
# Recycle workers now and then (a slow leak in any library cannot grow forever); the jitter keeps
# them from all restarting at once. Not too often: a new worker compiles its templates and opens its
# connections again, and at 1,000 requests a worker serving cached pages at ~1,900 req/s (5 workers)
# restarted every few seconds, which cost 30% of the throughput (make bench).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
# A request still running after this is killed: search has its own 0.8 s budget, so only a stuck
# dependency gets here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Longer than nothing: the balancer reuses connections (sync workers close after each response
# anyway). gevent: none by default, because a kept-alive connection stays with the worker that
# accepted it, busy or not (the load test's p95: 4.4 s with keep-alive, 1.1 s without).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0" if worker_class == "gevent" else "5"))
# Sync workers: load the app once in the master and fork (shared memory, instant start). gevent
# workers load it themselves, after gevent has patched the standard library: Django's per-thread
# database connections must be per-greenlet, which they are only if created after the patch.
preload_app = os.environ.get("GUNICORN_PRELOAD", "false" if worker_class == "gevent" else "true").lower() in {
    "1", "true", "yes", "on"}
# Heartbeat files in memory: a slow disk cannot make the master think a worker hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Trust X-Forwarded-* (HTTPS detection) only from the load balancer's addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The usual combined format, plus the time taken (ms) and whether the page cache answered.
access_log_format = ('%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
                     '%(M)sms cache=%({x-cache}o)s')
control_socket_disable = True  # one machine may run several (tests, bench): no shared socket path
