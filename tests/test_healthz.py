"""/healthz reports the database and OpenSearch, fast, never cached, 503 naming what is down."""

import statistics
import time

import pytest

pytestmark = [pytest.mark.opensearch, pytest.mark.django_db]


def get_health(client):
    started = time.perf_counter()
    response = client.get("/healthz")
    return response, time.perf_counter() - started


def test_healthz_is_ok_when_both_are_up(client):
    response, _ = get_health(client)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["failing"] == []
    assert data["checks"]["database"]["status"] == "ok"
    assert data["checks"]["database"]["vendor"] == "postgresql"
    assert data["checks"]["opensearch"]["status"] == "ok"
    assert data["checks"]["opensearch"]["cluster_status"] in {"green", "yellow"}
    assert data["checks"]["opensearch"]["number_of_nodes"] == 1


def test_healthz_is_never_cached(client):
    response, _ = get_health(client)
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "no-store" in cache_control and "max-age=0" in cache_control


def test_healthz_answers_within_100ms(client):
    get_health(client)  # first call opens the connections
    timings = [get_health(client)[1] for _ in range(7)]
    assert statistics.median(timings) < 0.1, timings


def test_opensearch_down_gives_503_naming_it_while_pages_and_publishing_go_on(
    client, settings, throwaway_node, home, make_article
):
    settings.OPENSEARCH_URL = throwaway_node.url
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**settings.WAGTAILSEARCH_BACKENDS["default"], "URLS": [throwaway_node.url]}
    }
    response, _ = get_health(client)
    assert response.status_code == 200, response.json()

    throwaway_node.stop()

    response, elapsed = get_health(client)
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "fail"
    assert data["failing"] == ["opensearch"]
    assert data["checks"]["database"]["status"] == "ok"
    assert "ConnectionError" in data["checks"]["opensearch"]["error"]
    assert elapsed < 1.0

    # The site keeps serving and editors keep publishing; search says it is unavailable.
    article = make_article("Published while search is down")
    assert article.live
    assert client.get(home.url).status_code == 200
    assert client.get(article.url).status_code == 200
    started = time.perf_counter()
    response = client.get("/search/", {"q": "anything"})
    assert response.status_code == 200
    assert "Search is temporarily unavailable" in response.content.decode()
    assert time.perf_counter() - started < 1.0
