import io
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from wagtail.search.backends import get_search_backend

from devenv.opensearch import Node, free_port
from home.models import HomePage
from news.models import Author, SectionPage
from news.publishing import create_article


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
def page_cache_off(settings):
    """For tests that measure how a page is rendered (query counts): no answers from the page cache."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def search_backend(db):
    """Wagtail's OpenSearch backend with its indexes rebuilt from the test database (by the same
    update_index command `make run` uses), so nothing indexed by an earlier test is left over."""
    call_command("update_index", stdout=io.StringIO())
    return get_search_backend()


@pytest.fixture
def home(db):
    return HomePage.objects.get()


def make_section(parent, title):
    section = SectionPage(title=title, slug=title.lower().replace(" ", "-"))
    parent.add_child(instance=section)
    section.save_revision().publish()
    section.refresh_from_db()
    return section


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


@contextmanager
def committed_demo_newsroom(migrated_contents, articles):
    """The seeded demo newsroom committed to the test database, for servers in other threads or
    processes (a live server, gunicorn), removed afterwards. Use inside django_db_blocker.unblock()."""
    from django.db import connections
    from taggit.models import Tag
    from wagtail.images import get_image_model

    from search.models import SearchQueryLog

    if not HomePage.objects.exists():
        # A transactional test with serialized_rollback ran last and its flush emptied the database:
        # restore what the migrations made, as its next test would.
        assert migrated_contents, "the database has no home page and nothing to restore it from"
        connections["default"].creation.deserialize_db_from_string(migrated_contents)
    call_command("load_demo_content", "--articles", str(articles), stdout=io.StringIO())
    try:
        yield
    finally:
        for child in HomePage.objects.get().get_children():
            child.delete()
        Author.objects.all().delete()
        Tag.objects.all().delete()
        get_image_model().objects.all().delete()
        # What readers left behind: the searches they made (their page views go with the pages).
        SearchQueryLog.objects.all().delete()
