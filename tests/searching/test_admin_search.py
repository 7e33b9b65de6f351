"""The editors' own search in the admin runs on OpenSearch and, unlike public search, includes drafts."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

pytestmark = pytest.mark.opensearch


@pytest.fixture
def editor_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("ed", "ed@example.com", "pw"))
    return client


def test_admin_page_search_finds_drafts_and_live_pages(editor_client, search_backend, make_article):
    make_article("Quarry expansion approved")
    make_article("Quarry expansion draft", publish=False)
    search_backend.refresh_indexes()
    response = editor_client.get(reverse("wagtailadmin_pages:search"), {"q": "quarry"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Quarry expansion approved" in html
    assert "Quarry expansion draft" in html


def test_admin_image_search(editor_client, search_backend):
    get_image_model().objects.create(title="Lighthouse at dusk", file=get_test_image_file())
    get_image_model().objects.create(title="Market square", file=get_test_image_file())
    search_backend.refresh_indexes()
    html = editor_client.get(reverse("wagtailimages:index"), {"q": "lighthouse"}).content.decode()
    assert "Lighthouse at dusk" in html
    assert "Market square" not in html


def test_admin_author_snippet_search(editor_client, search_backend, author):
    search_backend.refresh_indexes()
    url = reverse("wagtailsnippets_news_author:list")
    assert "Amara Okafor" in editor_client.get(url, {"q": "okafor"}).content.decode()
    assert "Amara Okafor" not in editor_client.get(url, {"q": "zebedee"}).content.decode()


def test_admin_search_backend_is_opensearch(search_backend):
    assert type(search_backend).__name__ == "OpenSearch2SearchBackend"
