"""Service addresses as settings give them."""


def opensearch_urls(url):
    """OPENSEARCH_URL may list every node of a cluster, comma-separated."""
    return [host.strip() for host in url.split(",") if host.strip()]
