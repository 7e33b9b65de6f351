"""`make serve`: the same newsroom as `make run` (its database, media and search indexes), served
the production way — gunicorn with gunicorn.conf.py, newsroom.settings.production (DEBUG off),
static files collected, hashed and compressed for WhiteNoise, the page cache on — with the task
worker and the scheduler beside it, on http://127.0.0.1:8000.

Only what plain HTTP on one machine needs differs from a real deployment: no redirect to HTTPS,
no HSTS, media served by Django from var/media (production uses S3 or the web server). Set
REDIS_URL to use Redis as production does; the default cache is files under var/cache.
"""

import os
import secrets
import time

from .appserver import AppServer
from .console import say, step
from .opensearch import VAR_DIR
from .run import HOST, PORT, install_signal_handlers, manage, prepare_site, print_addresses, start_opensearch


def local_secret_key():
    """Production settings refuse to start without SECRET_KEY: one per checkout, kept in var/."""
    path = VAR_DIR / "secret-key.txt"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def main():
    install_signal_handlers()
    started_at = time.monotonic()
    env = dict(os.environ, PYTHONUNBUFFERED="1", DJANGO_SETTINGS_MODULE="newsroom.settings.production")
    env.setdefault("SECRET_KEY", local_secret_key())
    # The same indexes as `make run` (production's default prefix is newsroom_).
    env.setdefault("OPENSEARCH_INDEX_PREFIX", "newsroom_dev_")
    env.setdefault("WAGTAILADMIN_BASE_URL", f"http://{HOST}:{PORT}")
    for name, value in {"SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0", "SERVE_MEDIA": "true"}.items():
        env.setdefault(name, value)
    node = start_opensearch(env)
    server = None
    try:
        password = prepare_site(env)
        with step("Collecting static files (hashed names, gzip and brotli copies for WhiteNoise)"):
            manage(dict(env, LOG_LEVEL="WARNING"), "collectstatic", "--noinput", "-v", "0")
        server = AppServer(env, host=HOST, port=int(PORT), scheduler=True)
        workers = env.get("WEB_CONCURRENCY", f"{(os.cpu_count() or 1) * 2 + 1}")
        with step(f"Starting gunicorn ({workers} workers), the task worker and the scheduler"):
            server.start()
        say(f"Ready in {time.monotonic() - started_at:.0f}s")
        print_addresses(env, password, "gunicorn, production settings")
        server.wait()
    except KeyboardInterrupt:
        print()
    finally:
        if server is not None:
            server.stop()
        if node is not None:
            with step("Stopping OpenSearch"):
                node.stop()


if __name__ == "__main__":
    main()
