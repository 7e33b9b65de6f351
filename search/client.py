"""The one place that builds OpenSearch clients from settings."""

from functools import lru_cache

from django.conf import settings
from opensearchpy import OpenSearch


@lru_cache(maxsize=8)
def _client_for(url, timeout):
    # One client (and its connection pool) per URL, reused across requests.
    return OpenSearch(hosts=[url], timeout=timeout, max_retries=0, retry_on_timeout=False)


def get_client():
    """A client for the node at settings.OPENSEARCH_URL (read on each call, so tests can point it
    elsewhere with override_settings)."""
    return _client_for(settings.OPENSEARCH_URL, settings.OPENSEARCH_TIMEOUT)
