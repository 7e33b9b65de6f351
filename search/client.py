"""The one place that builds OpenSearch clients from settings."""

from functools import lru_cache

from django.conf import settings
from opensearchpy import OpenSearch


def opensearch_hosts(url):
    """OPENSEARCH_URL may list every node of a cluster, comma-separated."""
    return [host.strip() for host in url.split(",") if host.strip()]


@lru_cache(maxsize=8)
def _client_for(url, timeout):
    # One client (and its connection pool) per URL, reused across requests.
    hosts = opensearch_hosts(url)
    # A node that refuses the connection (down, restarting) is marked dead and the request goes to
    # the next one at once — with one retry per other node. A timeout is never retried: the node
    # is slow, not gone, and a reader's search must answer within its time limit, not a multiple.
    return OpenSearch(hosts=hosts, timeout=timeout, max_retries=len(hosts) - 1, retry_on_timeout=False,
                      retry_on_status=())


def get_client():
    """A client for the nodes at settings.OPENSEARCH_URL (read on each call, so tests can point it
    elsewhere with override_settings)."""
    return _client_for(settings.OPENSEARCH_URL, settings.OPENSEARCH_TIMEOUT)
