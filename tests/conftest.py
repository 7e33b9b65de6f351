import io
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.search.backends import get_search_backend

from devenv.opensearch import Node, free_port
from home.models import HomePage
from news.models import ArticlePage


def pytest_configure(config):
    # Belt and braces: the suite must never write to a development or production index.
    prefix = settings.WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"]
    if not prefix.startswith("newsroom_test_"):
        raise pytest.UsageError(f"tests must use the newsroom_test_ index prefix, not {prefix!r}")


@pytest.fixture
def search_backend(db):
    """Wagtail's OpenSearch backend with its indexes rebuilt from the test database (by the same
    update_index command `make run` uses), so nothing indexed by an earlier test is left over."""
    call_command("update_index", stdout=io.StringIO())
    return get_search_backend()


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def make_article(home):
    """Create an article the way an editor does: a draft first, published only when asked."""

    def make(title, standfirst="", body="", publish=True):
        article = ArticlePage(title=title, standfirst=standfirst, body=body, live=False)
        home.add_child(instance=article)
        revision = article.save_revision()
        if publish:
            revision.publish()
            article.refresh_from_db()
        return article

    return make


@pytest.fixture
def throwaway_node():
    """A separate OpenSearch node that a test may stop or kill without harming the shared one."""
    data_dir = Path(tempfile.mkdtemp(prefix="newsroom-os-"))
    node = Node(data_dir, http_port=free_port(), name="throwaway", cluster_name="newsroom-throwaway")
    node.start()
    yield node
    node.stop()
    shutil.rmtree(data_dir, ignore_errors=True)
