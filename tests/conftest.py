import io
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from wagtail.search.backends import get_search_backend

from devenv.opensearch import Node, free_port
from home.models import HomePage
from news.models import Author
from news.publishing import create_article
from tests.helpers import logged_in, make_section, make_user


def pytest_configure(config):
    # Belt and braces: the suite must never write to a development or production index.
    prefix = settings.WAGTAILSEARCH_BACKENDS["default"]["INDEX_PREFIX"]
    if not prefix.startswith("newsroom_test_"):
        raise pytest.UsageError(f"tests must use the newsroom_test_ index prefix, not {prefix!r}")


def pytest_collection_modifyitems(config, items):
    # Browser tests commit demo data for their live server; they run after every other test.
    items.sort(key=lambda item: "tests/browser/" in str(item.fspath))


@pytest.fixture(autouse=True)
def empty_caches():
    """Every test starts with empty caches (pages, renditions): a page cached by an earlier test
    would show that test's content. (On Redis this empties the test server's database.)"""
    for alias in settings.CACHES:
        caches[alias].clear()
    # Nor may an earlier test's stopped node leave readers' search paused (search.client.breaker).
    from search.client import breaker

    breaker.succeeded()


@pytest.fixture
def patient_search(settings):
    """For tests that must tell "search refused this" from "the machine was slow": a loaded test
    machine missing readers' 0.8 s budget would turn into "unavailable" (or an empty page that
    hides nothing). The unavailable path has its own tests."""
    settings.SEARCH_TIMEOUT = 10


@pytest.fixture
def rendered_every_time(settings):
    """For tests that measure how a page is rendered (query counts): no answers from the page cache
    or the fragment cache."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0


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
def section(home):
    return make_section(home, "World")


@pytest.fixture
def author(db):
    return Author.objects.create(name="Amara Okafor", slug="amara-okafor", role="Africa correspondent")


@pytest.fixture
def make_article(section, author):
    """Create an article the way an editor does: a draft first, published only when asked."""

    def make(title, standfirst="", body=(), publish=True, parent=None, **fields):
        body = [{"type": "paragraph", "value": body}] if isinstance(body, str) else list(body)
        return create_article(parent or section, title=title, standfirst=standfirst, body=body,
                              authors=[author], publish=publish, **fields)

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


@pytest.fixture(scope="session")
def migrated_contents(django_db_setup):
    """What the migrations put in the test database (home page, site, groups), as Django serialized it
    for serialized_rollback tests; None when no such test was collected. Read here, before Playwright
    starts, on the connection that setup_databases used."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


# Signed-in staff, through the real Wagtail groups the migrations create.
@pytest.fixture
def reporter(db):
    return make_user("reporter", "Reporters")


@pytest.fixture
def editor(db):
    return make_user("editor", "Editors")


@pytest.fixture
def reporter_client(reporter):
    return logged_in(reporter)


@pytest.fixture
def editor_client(editor):
    return logged_in(editor)
