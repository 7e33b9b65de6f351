"""Slow clients (slowloris) cannot freeze the app server.

A handful of connections that send a request line, headers or a body a byte at a time hold every
sync worker (gunicorn.conf.py's default) until they finish. The same slow clients are sent at three
setups: sync workers alone (the 'before': frozen, which also shows the clients really bite), sync
workers behind nginx (the supported front, devenv/proxy.py), and gevent workers facing the clients
directly (GUNICORN_WORKER_CLASS=gevent, newsroom/greenlets.py).
"""

import os
import socket
import threading
import time
import urllib.request

import pytest

from devenv.appserver import AppServer
from devenv.opensearch import free_port
from devenv.proxy import BufferingProxy
from tests.helpers import worker_database_url

pytestmark = pytest.mark.django_db

PER_KIND = 6  # 18 slow connections against 2 workers
# What each kind of slow client sends at once, then a byte at a time.
OPENINGS = {
    "request line": (b"GET /healthz HT", b"T"),
    "headers": (b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X"),
    "body": (b"POST /newsletter/subscribe/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
             b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n", b"a"),
}


class SlowClients:
    """PER_KIND connections of each kind, each trickling a byte every half second until closed."""

    def __init__(self, port):
        self.port, self.stop = port, threading.Event()
        self.threads = [threading.Thread(target=self._trickle, args=opening, daemon=True)
                        for opening in OPENINGS.values() for _ in range(PER_KIND)]

    def _trickle(self, first, byte):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=60) as sock:
                sock.sendall(first)
                while not self.stop.wait(0.5):
                    sock.sendall(byte)
        except OSError:
            pass  # the server closed it: fine, that is one way of resisting

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        time.sleep(1.5)  # every slow connection is accepted and has sent something
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)


def probe_seconds(base_url, timeout):
    """How long a reader waits for /healthz (the timeout if no answer came)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=timeout) as response:
            assert response.status == 200
    except OSError:
        return timeout
    return time.monotonic() - started


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(worker_class):
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="newsroom.settings.production", SECRET_KEY="slow-test-only",
                   DATABASE_URL=worker_database_url(), SECURE_SSL_REDIRECT="false", LOG_LEVEL="WARNING",
                   STATIC_ROOT=str(tmp_path / "static"), GUNICORN_ACCESS_LOG=str(tmp_path / "access.log"),
                   GUNICORN_ERROR_LOG=str(tmp_path / "error.log"))
        env["GUNICORN_WORKER_CLASS"] = worker_class
        site = AppServer(env, port=free_port(), workers=2, log_dir=tmp_path, task_worker=False).start()
        started.append(site)
        return site

    yield start
    for site in started:
        site.stop()


def test_slow_clients_freeze_sync_workers_facing_them(serve):
    site = serve("sync")
    assert probe_seconds(site.base_url, timeout=5) < 1
    with SlowClients(site.port):
        assert probe_seconds(site.base_url, timeout=3) == 3


def test_behind_the_buffering_proxy_readers_are_served(serve, tmp_path):
    site = serve("sync")
    proxy = BufferingProxy(tmp_path / "nginx", port=free_port(), upstream=f"127.0.0.1:{site.port}").start()
    try:
        with SlowClients(proxy.port):
            waits = [probe_seconds(proxy.base_url, timeout=5) for _ in range(10)]
    finally:
        proxy.stop()
    assert max(waits) < 1, waits


def test_gevent_workers_serve_readers_while_slow_clients_trickle(serve):
    site = serve("gevent")
    with SlowClients(site.port):
        waits = [probe_seconds(site.base_url, timeout=5) for _ in range(10)]
    assert max(waits) < 1, waits
    assert "Traceback" not in (site.log_dir / "gunicorn.log").read_text()


def test_gevent_workers_answer_a_body_that_never_arrives_with_408(serve, monkeypatch):
    monkeypatch.setenv("REQUEST_BODY_SECONDS", "1")
    site = serve("gevent")
    with socket.create_connection(("127.0.0.1", site.port), timeout=10) as sock:
        sock.sendall(OPENINGS["body"][0] + b"email=a")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408"), answer
