"""gunicorn, the production way: `gunicorn newsroom.wsgi` (or `make serve`) reads this file.

Every value comes from the environment, with defaults for one app server behind a load balancer.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # 0.0.0.0:8000 behind a load balancer
# gunicorn's advice for sync workers: 2 × cores + 1. Pages are CPU-bound rendering with short
# waits on PostgreSQL, OpenSearch and Redis, which the extra workers cover (make bench: 3 or 5
# sync workers beat 2 gthread workers × 4 threads on 2 cores).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Recycle workers now and then (a slow leak in any library cannot grow forever); the jitter keeps
# them from all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# A request still running after this is killed: search has its own 0.8 s budget, so only a stuck
# dependency gets here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # longer than nothing: the balancer reuses connections
# Load the app once in the master and fork: workers share its memory and start at once.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}
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
