"""OpenSearch stops while the site runs: readers get a fast, clear answer, editors keep publishing,
and when the node is back the durable queue drains and the index agrees with the database.

Everything here is real: a throwaway OpenSearch node that the test stops and starts, the
django-tasks-db queue in the PostgreSQL test database, and `manage.py db_worker` in a subprocess
(as `make run` starts it). The test is transactional so the worker sees what it commits.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from news.publishing import create_article
from search import index
from tests.helpers import REPO, worker_database_url

pytestmark = [pytest.mark.opensearch, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def wait_for(condition, timeout, what, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def task_worker(throwaway_node, tmp_path):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="newsroom.settings.test", DATABASE_URL=worker_database_url(),
               OPENSEARCH_URL=throwaway_node.url, TASKS_BACKEND="database", PYTHONUNBUFFERED="1")
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-reload",
                                "--no-startup-delay"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield process
    process.terminate()
    process.wait(timeout=15)
    log.close()
    print((tmp_path / "worker.log").read_text()[-3000:])


def found(client, word):
    response = client.get("/api/search/", {"q": word})
    return response.status_code == 200 and any(word.lower() in hit["title"].lower()
                                               for hit in response.json()["results"])


def waiting_tasks():
    return DBTaskResult.objects.filter(status="READY").count()


def test_search_outage_and_recovery(client, throwaway_node, task_worker, home):
    from news.models import Author, SectionPage

    # Readers' production time limit (the suite's default is more patient).
    with override_settings(OPENSEARCH_URL=throwaway_node.url, TASKS=DATABASE_TASKS, SEARCH_TIMEOUT=0.8,
                           HEALTH_STATUS_TOKEN="monitoring"):
        section = SectionPage(title="World", slug="world")
        home.add_child(instance=section)
        section.save_revision().publish()
        author = Author.objects.create(name="Amara Okafor", slug="amara-okafor")
        index.rebuild()

        # Normal operation: publish → searchable through the queue and the worker (timed once the
        # worker process has started and handled a first article).
        create_article(section, title="Warmup story", authors=[author], publish=True)
        wait_for(lambda: found(client, "warmup"), 60, "the worker to start")
        published = time.monotonic()
        before = create_article(section, title="Quarzite mine reopens", authors=[author], publish=True)
        searchable = wait_for(lambda: found(client, "quarzite"), 10, "the article to become searchable")
        print(f"publish → searchable through the queue: {(searchable - published) * 1000:.0f} ms")
        # The target is 1 s (make bench measures it on a quiet machine); a shared CI box gets slack.
        assert searchable - published < 3.0

        # A node that hangs (stopped, not dead): readers still get an answer within a second.
        os.kill(throwaway_node.pid(), signal.SIGSTOP)
        try:
            started = time.monotonic()
            response = client.get("/search/", {"q": "quarzite"})
            elapsed = time.monotonic() - started
        finally:
            os.kill(throwaway_node.pid(), signal.SIGCONT)
        assert response.status_code == 200 and elapsed < 1.0, elapsed
        assert "Search is temporarily unavailable" in response.content.decode()

        throwaway_node.stop()

        # Readers: a clear answer within a second, never a 5xx; the rest of the site serves.
        started = time.monotonic()
        response = client.get("/search/", {"q": "quarzite"})
        elapsed = time.monotonic() - started
        assert response.status_code == 200 and elapsed < 1.0, elapsed
        assert "Search is temporarily unavailable" in response.content.decode()
        assert client.get("/api/search/", {"q": "quarzite"}).status_code == 503
        assert client.get("/search/suggest/", {"q": "quar"}).json()["suggestions"] == []
        assert client.get("/").status_code == 200
        started = time.monotonic()
        article_page = client.get(before.url)
        assert article_page.status_code == 200 and time.monotonic() - started < 2.0
        assert "Related Posts" not in article_page.content.decode()  # hidden, not faked

        # Editors: publishing and unpublishing work; the index updates wait in the queue.
        after = create_article(section, title="Basaltine bridge opens", authors=[author], publish=True)
        before.refresh_from_db()
        before.unpublish()
        assert after.live and not before.live
        wait_for(lambda: DBTaskResult.objects.filter(  # (a task with no delay has run_after = the max date)
            task_path="search.tasks.sync_articles", status="READY", run_after__gt=timezone.now(),
            run_after__lt=timezone.now() + timedelta(minutes=5)).exists(), 10, "the worker to schedule a retry")

        assert client.get("/healthz").status_code == 200  # app servers stay in rotation
        health = client.get("/healthz/status", headers={"Authorization": "Bearer monitoring"})
        assert health.status_code == 503 and health.json()["failing"] == ["opensearch"]
        # The lag is visible to operators, deferred retries included (they are the whole backlog now).
        queue = health.json()["search_queue"]
        assert queue["waiting"] >= 1 and queue["retrying"] >= 1, queue

        # Back up: the queue drains by itself and nothing is missing, stale or extra.
        throwaway_node.start()
        recovered = time.monotonic()
        wait_for(lambda: waiting_tasks() == 0 and found(client, "basaltine"), 90, "the queue to drain")
        print(f"queue drained {time.monotonic() - recovered:.1f}s after OpenSearch was back")
        assert not found(client, "quarzite")
        assert index.drift() == {"missing": [], "stale": [], "extra": []}
        assert not DBTaskResult.objects.filter(status="FAILED", task_path="search.tasks.sync_articles").exists()


def test_a_hung_node_stops_holding_searches_after_a_few_failures(client, settings, throwaway_node, make_article):
    """The circuit breaker: with the node frozen, the first searches wait out SEARCH_TIMEOUT, then
    this process answers "unavailable" at once; when the node is back, one search tries it after
    SEARCH_BREAKER_SECONDS and search works again."""
    import os
    import signal

    settings.OPENSEARCH_URL = throwaway_node.url
    settings.SEARCH_TIMEOUT, settings.SEARCH_BREAKER_FAILURES, settings.SEARCH_BREAKER_SECONDS = 0.5, 3, 1.5
    index.rebuild()
    make_article("Basaltine bridge opens")

    def timed_search():
        started = time.monotonic()
        response = client.get("/api/search/", {"q": "basaltine"})
        found = response.status_code == 200 and [hit["title"] for hit in response.json()["results"]] \
            == ["Basaltine bridge opens"]
        assert found or response.status_code == 503  # "temporarily unavailable"
        return time.monotonic() - started, found

    assert timed_search()[1]
    pid = throwaway_node.pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        waits = [timed_search() for _ in range(3)]
        assert all(seconds >= 0.45 and not found for seconds, found in waits), waits
        fast = [timed_search() for _ in range(5)]
        assert all(seconds < 0.2 and not found for seconds, found in fast), fast  # pages never wait
    finally:
        os.kill(pid, signal.SIGCONT)
    time.sleep(1.6)
    assert timed_search()[1]  # half-open: one try, it works, search is back


def test_a_query_opensearch_refuses_never_pauses_search_for_everyone():
    """Only a node in trouble (unreachable, timing out, 429/502/503/504) counts towards the breaker:
    a query OpenSearch refuses with a 500 says nothing of the node, and one reader sending such
    queries must not make search answer "unavailable" to everyone else."""
    from opensearchpy.exceptions import TransportError

    from search.client import breaker
    from search.query import SearchUnavailable, _call

    def refused(**_):
        raise TransportError(500, "search_phase_execution_exception", "too many nested clauses")

    def overloaded(**_):
        raise TransportError(503, "unavailable", "node overloaded")

    for _ in range(10):
        with pytest.raises(SearchUnavailable):
            _call(refused)
    assert breaker.allow()
    for _ in range(3):
        with pytest.raises(SearchUnavailable):
            _call(overloaded)
    assert not breaker.allow()


def test_a_did_you_mean_check_is_held_to_a_typed_querys_limits():
    from search.query import MAX_QUERY_WORDS, _finds_anything_body

    body = _finds_anything_body(" ".join(f"word{n}" for n in range(200)))  # the suggester's text, uncut
    must = body["query"]["bool"]["must"][0]["bool"]["must"]
    assert 0 < len(must) <= MAX_QUERY_WORDS
