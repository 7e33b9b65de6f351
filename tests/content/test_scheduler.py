"""Scheduled publishing and expiry done by the real `run_scheduler` worker process.

The worker is started as `make run` starts it, pointed at the test database, so these tests are
transactional: what they create is committed and the subprocess sees it. Search documents are
written by the worker itself (publishing in the subprocess reindexes the page on OpenSearch).
"""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from wagtail.models import Page, PageLogEntry
from wagtail.search.backends import get_search_backend

from home.models import HomePage
from news.models import ArticlePage, Author
from news.publishing import create_article
from search.client import get_client
from tests.helpers import REPO, make_section, wait_for, worker_database_url

INTERVAL = 1.0  # seconds between the worker's runs
SCHEDULE_AHEAD = timedelta(seconds=2)
MAX_LATENESS = timedelta(seconds=4)  # one interval, plus the run itself, plus slack for a slow machine

# serialized_rollback: the flush after a transactional test also empties what the migrations made
# (home page, groups, workflow); restore it for each test here.
pytestmark = [pytest.mark.opensearch, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Worker:
    """`manage.py run_scheduler --interval 1` in a subprocess; output goes to files we can poll."""

    def __init__(self, tmp_path):
        self.stdout_path = tmp_path / "scheduler.out"
        self.stderr_path = tmp_path / "scheduler.err"
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="newsroom.settings.test", DATABASE_URL=worker_database_url(),
                   PYTHONUNBUFFERED="1")
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "run_scheduler", "--interval", f"{INTERVAL:g}"],
                cwd=REPO, env=env, stdout=out, stderr=err,
            )
        # Its first line is written once the signal handlers are in place, so SIGTERM is handled from then on.
        wait_for(lambda: f"Scheduler: publishing scheduled pages every {INTERVAL:g}s" in self.stdout or self.exited,
                 timeout=60, what="the worker to start")
        assert not self.exited, f"worker exited at start ({self.process.returncode}):\n{self.stderr}"

    @property
    def stdout(self):
        return self.stdout_path.read_text()

    @property
    def stderr(self):
        return self.stderr_path.read_text()

    @property
    def exited(self):
        return self.process.poll() is not None

    def stop(self, timeout=15):
        """SIGTERM, as `make run` (or systemd, or Kubernetes) stops it; returns the exit code."""
        if not self.exited:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"worker ignored SIGTERM for {timeout}s:\n{self.stdout}\n{self.stderr}") from None


@pytest.fixture
def worker(tmp_path):
    worker = None
    try:
        worker = Worker(tmp_path)
        yield worker
    finally:
        if worker is not None and not worker.exited:  # the test failed before stopping it
            worker.stop()


def assert_stopped_cleanly(worker):
    code = worker.stop()
    assert code == 0, f"worker exited with {code}:\n{worker.stdout}\n{worker.stderr}"
    assert worker.stdout.rstrip().endswith("Scheduler stopped"), worker.stdout


@pytest.fixture
def search_backend():
    # The search index is not rolled back with the database: rebuild it from this test's data.
    call_command("update_index", stdout=io.StringIO())
    return get_search_backend()


@pytest.fixture
def section():
    return make_section(HomePage.objects.get(), "World")


@pytest.fixture
def author():
    return Author.objects.create(name="Amara Okafor", slug="amara-okafor")


def live_titles(query):
    return [page.title for page in Page.objects.live().search(query)]


def indexed_live_flags(search_backend, title_word):
    """live_filter of the article documents on OpenSearch whose title matches: what the index
    itself says, independently of the database (search results are filtered by both)."""
    search_backend.refresh_indexes()
    index = search_backend.get_index_for_model(ArticlePage).name
    response = get_client().search(index=index, body={"query": {"match": {"title": title_word}}})
    return [hit["_source"]["live_filter"] for hit in response["hits"]["hits"]]


def poll(page, condition, timeout=15):
    """Refresh `page` from the database until condition(page); returns the moment it was seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.refresh_from_db()
        if condition(page):
            return timezone.now()
        time.sleep(0.1)
    return None


def test_worker_publishes_a_scheduled_article(worker, search_backend, section, author):
    article = create_article(section, title="Lunar eclipse tonight", standfirst="Skywatchers gather.",
                             authors=[author], publish=False)
    article.go_live_at = timezone.now() + SCHEDULE_AHEAD
    article.save_revision().publish()  # a future go_live_at schedules instead of publishing
    article.refresh_from_db()
    go_live_at = article.go_live_at
    assert not article.live
    assert article.get_latest_revision().approved_go_live_at == go_live_at
    assert live_titles("eclipse") == []
    assert indexed_live_flags(search_backend, "eclipse") == [False]  # the draft is indexed, not live

    seen_live_at = poll(article, lambda page: page.live)
    assert seen_live_at is not None, f"not published by the worker:\n{worker.stdout}\n{worker.stderr}"
    # Published by the worker at the right time: not early, and at most about one interval late.
    late = article.first_published_at - go_live_at
    assert timedelta(0) <= late <= MAX_LATENESS, f"published {late} after go_live_at"
    assert article.last_published_at == article.first_published_at
    assert seen_live_at - go_live_at <= MAX_LATENESS, f"seen live {seen_live_at - go_live_at} after go_live_at"
    assert article.published_date == article.first_published_at  # ArticlePage.save() ran in the worker
    assert article.live_revision == article.get_latest_revision()
    assert article.live_revision.approved_go_live_at is None  # nothing left scheduled
    # Wagtail saves the page first (in its own transaction), then writes the audit log and reindexes
    # the page, so those follow a moment later. The audit log says it was the scheduler:
    wait_for(lambda: PageLogEntry.objects.filter(page=article, action="wagtail.publish.scheduled").exists(),
             timeout=10, what="the scheduled-publish log entry")
    # ... and the worker's publish reindexed the article: it is found in live search results.
    wait_for(lambda: indexed_live_flags(search_backend, "eclipse") == [True], timeout=10,
             what="the search document to say live")
    assert live_titles("eclipse") == ["Lunar eclipse tonight"]
    assert live_titles("skywatchers") == ["Lunar eclipse tonight"]

    assert_stopped_cleanly(worker)


def test_worker_unpublishes_an_expired_article(worker, search_backend, section, author):
    article = create_article(section, title="Ferry strike called off", standfirst="Crossings resume.",
                             authors=[author])
    assert article.live
    article.expire_at = timezone.now() + SCHEDULE_AHEAD
    article.save_revision().publish()
    article.refresh_from_db()
    expire_at = article.expire_at
    assert article.live and not article.expired
    search_backend.refresh_indexes()
    assert live_titles("ferry") == ["Ferry strike called off"]
    assert indexed_live_flags(search_backend, "ferry") == [True]

    seen_expired_at = poll(article, lambda page: not page.live)
    assert seen_expired_at is not None, f"not unpublished by the worker:\n{worker.stdout}\n{worker.stderr}"
    assert article.expired
    assert expire_at <= seen_expired_at <= expire_at + MAX_LATENESS, f"seen expired {seen_expired_at - expire_at} late"
    # The audit log entry and the reindex follow the page's save (see above).
    entries = PageLogEntry.objects.filter(page=article, action="wagtail.unpublish.scheduled")
    wait_for(entries.exists, timeout=10, what="the scheduled-unpublish log entry")
    late = entries.get().timestamp - expire_at
    assert timedelta(0) <= late <= MAX_LATENESS, f"unpublished {late} after expire_at"

    # Gone from live search, and the document on OpenSearch says so too.
    wait_for(lambda: indexed_live_flags(search_backend, "ferry") == [False], timeout=10,
             what="the search document to say not live")
    assert live_titles("ferry") == []

    assert_stopped_cleanly(worker)


def test_worker_survives_a_failed_run_and_publishes_once_the_database_is_back(tmp_path, section, author):
    """A run that fails (here: a table the command needs is missing, as when a database is being
    restored) is logged; the worker keeps going and the next good run does the work."""
    article = create_article(section, title="Parliament dissolved", authors=[author], publish=False)
    article.go_live_at = timezone.now() + SCHEDULE_AHEAD  # due by the time the worker has started
    article.save_revision().publish()
    article.refresh_from_db()
    assert not article.live
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE wagtailcore_revision RENAME TO wagtailcore_revision_away")
    worker = None
    renamed = True
    try:
        worker = Worker(tmp_path)
        wait_for(lambda: worker.stderr.count("publish_scheduled failed") >= 2 or worker.exited, timeout=20,
                 what="two failed runs")
        assert not worker.exited, f"a failed run ended the worker:\n{worker.stderr}"
        assert "ProgrammingError" in worker.stderr and "wagtailcore_revision" in worker.stderr
        article.refresh_from_db()
        assert not article.live

        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE wagtailcore_revision_away RENAME TO wagtailcore_revision")
        renamed = False
        assert poll(article, lambda page: page.live) is not None, worker.stderr
        assert_stopped_cleanly(worker)
    finally:
        if renamed:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE wagtailcore_revision_away RENAME TO wagtailcore_revision")
        if worker is not None and not worker.exited:
            worker.stop()


def test_each_run_tells_the_other_apps(home):
    """news.signals.scheduler_ran, after each run: the periodic chores of apps news may not import
    (comments' retention purge) hang on it."""
    from news.signals import scheduler_ran

    runs = []

    def heard(sender, when, **kwargs):
        runs.append(when)

    scheduler_ran.connect(heard)
    try:
        call_command("run_scheduler", "--once", stdout=io.StringIO())
    finally:
        scheduler_ran.disconnect(heard)
    assert len(runs) == 1
