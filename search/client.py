"""The one place that builds OpenSearch clients from settings."""

import threading
import time
from functools import lru_cache

from django.conf import settings
from opensearchpy import OpenSearch

from core.addresses import opensearch_urls


@lru_cache(maxsize=8)
def _client_for(url, timeout):
    # One client (and its connection pool) per URL, reused across requests.
    hosts = opensearch_urls(url)
    # A node that refuses the connection (down, restarting) is marked dead and the request goes to
    # the next one at once — with one retry per other node. A timeout is never retried: the node
    # is slow, not gone, and a reader's search must answer within its time limit, not a multiple.
    return OpenSearch(hosts=hosts, timeout=timeout, max_retries=len(hosts) - 1, retry_on_timeout=False,
                      retry_on_status=())


def get_client():
    """A client for the nodes at settings.OPENSEARCH_URL (read on each call, so tests can point it
    elsewhere with override_settings)."""
    return _client_for(settings.OPENSEARCH_URL, settings.OPENSEARCH_TIMEOUT)


class CircuitBreaker:
    """Readers' searches stop waiting on a node that keeps failing.

    A hung node made every search hold its worker for SEARCH_TIMEOUT (0.8 s): twenty searches at
    once occupied every worker, and even cached pages queued behind them. After
    SEARCH_BREAKER_FAILURES failures in a row this process stops asking for SEARCH_BREAKER_SECONDS —
    searches answer "temporarily unavailable" at once and pages never wait behind search — then
    lets one request through to try again (\"half-open\"): its success closes the breaker, its
    failure opens it again. Per process: each worker learns within a few requests, with no shared
    state to reach when things are failing. (A library such as pybreaker does this too; it is a few
    lines here, and the failures to count are search.query's own.)"""

    def __init__(self):
        self._lock = threading.Lock()
        self.failures = 0
        self.open_until = 0.0
        self.trying = False

    def allow(self):
        with self._lock:
            if self.failures < settings.SEARCH_BREAKER_FAILURES:
                return True
            if time.monotonic() < self.open_until or self.trying:
                return False
            self.trying = True  # half-open: this request tries; the others keep failing fast
            return True

    def succeeded(self):
        with self._lock:
            self.failures, self.trying = 0, False

    def failed(self):
        with self._lock:
            self.failures += 1
            self.trying = False
            if self.failures >= settings.SEARCH_BREAKER_FAILURES:
                self.open_until = time.monotonic() + settings.SEARCH_BREAKER_SECONDS


breaker = CircuitBreaker()
