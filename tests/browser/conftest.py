"""Browser tests: Debian's headless Chromium driven by Playwright, against Django's live server.

The demo newsroom is loaded once per module and committed (the live server runs in another
thread and cannot see a test's transaction), so these tests run after every other test and
remove what they loaded when they finish.
"""

import io
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.helpers import committed_demo_newsroom


def pytest_collection_modifyitems(config, items):
    # pytest-django creates the test database only when a collected test asks for one; a run of just
    # tests/browser would otherwise load the demo into the development database name (and fail). The
    # marker's own per-test transaction is harmless: these tests only read, through the live server.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="session")
def browser(migrated_contents):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    # Playwright's sync API keeps an asyncio loop running in this thread, so Django would refuse every
    # database query made here (SynchronousOnlyOperation) — the demo data loading included. Nothing
    # here is async; allow it for the browser tests only (they run last) and restore it afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, migrated_contents):
    """The seeded demo newsroom, committed, served by a live server thread.

    (pytest-django's live_server would make every test transactional, flushing the database —
    demo data and the migrations' home page and groups with it — after each test.)"""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread

    with django_db_blocker.unblock(), committed_demo_newsroom(migrated_contents, articles=30):
        # StaticFilesHandler serves /static/ from the finders (the source files), as
        # StaticLiveServerTestCase does: nothing is collected into STATIC_ROOT for tests.
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield f"http://127.0.0.1:{server.port}"
        finally:
            server.terminate()
    # The queries above ran while Playwright's event loop was running, on a connection of their own
    # (Django keeps one per async context): close it, or dropping the test database at the end of
    # the session fails with "being accessed by other users".
    connections.close_all()


@pytest.fixture
def page_factory(browser):
    contexts = []

    def make(viewport=DESKTOP, javascript=True, reduced_motion=None):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript,
                                      reduced_motion=reduced_motion)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def search_terms(demo_site, django_db_blocker):
    """Words from the demo's live headlines, and the public index rebuilt from the demo newsroom.

    "word" begins words in two to six headlines (so the suggestions list them all, and Up/Down have
    somewhere to go), "title" and "url" are one of those articles; "common" is in the most headlines."""
    from news.models import ArticlePage

    with django_db_blocker.unblock():
        call_command("search_index", "rebuild", stdout=io.StringIO())
        articles = list(ArticlePage.objects.visible().order_by("-published_date"))

    def words(title):
        return set(re.findall(r"\w+", title.lower()))

    candidates = {w for a in articles for w in words(a.title) if len(w) >= 5 and w.isalpha()}
    # Suggestions complete the last word typed: a prefix of any word in the headline matches.
    matching = {w: [a for a in articles if any(x.startswith(w) for x in words(a.title))] for w in candidates}
    word = min(sorted(candidates), key=lambda w: (not 2 <= len(matching[w]) <= 6, -len(matching[w])))
    article = matching[word][0]
    common = Counter(w for a in articles for w in words(a.title)
                     if len(w) >= 5 and w not in {"their", "there", "these"}).most_common(1)[0][0]
    return {"word": word, "url": article.url, "title": article.title, "common": common}


@pytest.fixture(scope="module")
def paths(demo_site, django_db_blocker):
    """Addresses of one page of each type in the demo newsroom."""
    from news.models import ArticlePage

    with django_db_blocker.unblock():
        # The newest with everything an article can show (the demo's very newest has no body).
        candidates = ArticlePage.objects.visible().filter(lead_image__isnull=False).order_by("-published_date")
        article = next(a for a in candidates
                       if a.tags.exists() and a.authors and len(a.body) > 2)
        return {
            "home": "/",
            "section": article.section.url,
            "article": article.url,
            "article_id": article.pk,
            "article_title": article.title,
            "author": article.authors[0].get_absolute_url(),
            "tag": f"/tags/{article.tags.first().slug}/",
            "404": "/no-such-page/",
            "search": "/search/?q=bank",
            "no results": "/search/?q=zzqqxxyy",
        }
