"""Publishing through Wagtail indexes pages on the real OpenSearch node; unpublishing hides them."""

import pytest
from django.conf import settings
from wagtail.models import Page

from search.client import get_client

pytestmark = pytest.mark.opensearch


def live_titles(query):
    return [page.title for page in Page.objects.live().search(query)]


def test_backend_is_opensearch_with_the_test_prefix(search_backend):
    assert type(search_backend).__module__ == "modelsearch.backends.opensearch2"
    indexes = get_client().indices.get_alias(index=f"{settings.OPENSEARCH_INDEX_PREFIX}*")
    assert any(name.startswith("newsroom_test_wagtailcore_page") for name in indexes), indexes


def test_published_page_is_found_and_unpublishing_removes_it(search_backend, make_article):
    article = make_article("Zeppelin returns to the skies", standfirst="An airship over the city.", publish=False)
    search_backend.refresh_indexes()
    assert live_titles("zeppelin") == [], "a draft must not be found in live results"

    article.save_revision().publish()
    article.refresh_from_db()
    search_backend.refresh_indexes()
    assert live_titles("zeppelin") == ["Zeppelin returns to the skies"]
    # The standfirst and the body are searchable too, not just the title.
    assert live_titles("airship") == ["Zeppelin returns to the skies"]

    article.unpublish()
    search_backend.refresh_indexes()
    assert live_titles("zeppelin") == []


def test_document_lives_in_opensearch_not_the_database(search_backend, make_article):
    article = make_article("Glacier melt accelerates", body="<p>Scientists measured the ice sheet.</p>")
    search_backend.refresh_indexes()
    index = search_backend.get_index_for_model(type(article)).name
    response = get_client().search(index=index, body={"query": {"match": {"title": "glacier"}}})
    hits = response["hits"]["hits"]
    assert len(hits) == 1
    assert hits[0]["_source"]["live_filter"] is True


def test_search_page_lists_only_published_articles(client, search_backend, make_article):
    make_article("Volcano erupts near the coast")
    make_article("Volcano draft never published", publish=False)
    search_backend.refresh_indexes()
    response = client.get("/search/", {"q": "volcano"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Volcano erupts near the coast" in body
    assert "never published" not in body
    assert "no-cache" in response["Cache-Control"]
