"""Load: 50 concurrent readers for 60 s on gunicorn — home, section, article and search pages — and
not one error.

The site runs as production runs it: gunicorn with gunicorn.conf.py, newsroom.settings.production,
static files collected for WhiteNoise, the page cache on the suite's Redis, the task worker beside
it, PostgreSQL and OpenSearch. The readers are wrk (devenv/wrk.py): each request picks a path from a
weighted mix, and "search is temporarily unavailable" answers count as errors although they are 200s.
"""

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import pytest

from devenv import wrk
from devenv.appserver import AppServer, http_status
from devenv.opensearch import free_port
from search.client import get_client
from tests.helpers import REPO, committed_demo_newsroom, worker_database_url

READERS = 50
SECONDS = int(os.environ.get("LOAD_TEST_SECONDS", "60"))
SEARCH_WORDS = ["inflation", "wildfires", "vaccines", "budget", "floods", "parliament", "strikes", "energy",
                "interest rates", "offshore wind", "housing bill", '"spring budget"', "elections", "trade deal",
                "heatwave", "transfer", "inflaton", "parliment", "semiconductors", "archaeology"]
# Of every 100 requests: what a news site's traffic looks like, articles first.
MIX = {"article": 45, "home": 20, "section": 20, "search": 15}


# The marker makes pytest-django create the test database even when this module runs alone; the
# test's own transaction is harmless: it only reads, through gunicorn.
pytestmark = [pytest.mark.opensearch, pytest.mark.django_db]


@pytest.fixture(scope="module")
def committed_newsroom(django_db_setup, django_db_blocker, migrated_contents):
    """A demo newsroom committed to the test database (gunicorn's workers read it), removed after."""
    from news.models import ArticlePage, SectionPage
    from search import index

    with django_db_blocker.unblock(), committed_demo_newsroom(migrated_contents, articles=120):
        index.rebuild()
        paths = {
            "home": ["/"],
            "section": [section.url for section in SectionPage.objects.live()],
            "article": [article.url for article in ArticlePage.objects.live().public()[:80]],
            "search": [f"/search/?{urlencode({'q': word})}" for word in SEARCH_WORDS],
        }
        try:
            yield {"database_url": worker_database_url(), "paths": paths}
        finally:
            get_client().delete_by_query(index=index.alias_name(), body={"query": {"match_all": {}}},
                                               refresh=True, conflicts="proceed")


@pytest.fixture(scope="module")
def production_site(committed_newsroom, tmp_path_factory):
    if shutil.which("wrk") is None:
        pytest.fail("wrk is needed for the load test: sudo apt-get install -y wrk")  # not a skip: CI has it
    static_root = Path(tempfile.mkdtemp(prefix="newsroom-static-"))
    logs = tmp_path_factory.mktemp("gunicorn")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="newsroom.settings.production", SECRET_KEY="load-test-only",
               DATABASE_URL=committed_newsroom["database_url"], OPENSEARCH_INDEX_PREFIX="newsroom_test_",
               CACHE_KEY_PREFIX="newsroom_test", STATIC_ROOT=str(static_root), SECURE_SSL_REDIRECT="false",
               SERVE_MEDIA="true", LOG_LEVEL="WARNING", GUNICORN_ACCESS_LOG=str(logs / "access.log"),
               GUNICORN_ERROR_LOG=str(logs / "error.log"), TASKS_BACKEND="database")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env,
                   cwd=REPO, check=True)
    site = AppServer(env, port=free_port(), log_dir=logs).start()
    try:
        yield site, logs
    finally:
        site.stop()
        shutil.rmtree(static_root, ignore_errors=True)


def weighted_paths(paths, seed=7):
    rng = random.Random(seed)
    chosen = []
    for kind, share in MIX.items():
        chosen += [rng.choice(paths[kind]) for _ in range(share)]
    return chosen


def test_fifty_readers_for_a_minute_get_no_errors(production_site, committed_newsroom):
    site, logs = production_site
    paths = weighted_paths(committed_newsroom["paths"])
    for path in set(paths):  # every path answers on its own first (a 404 would count as an error)
        assert http_status(site.base_url + path, timeout=10) == 200, path
    result = wrk.run(site.base_url, paths, connections=READERS, seconds=SECONDS,
                     failure_marker="Search is temporarily unavailable")

    access = (logs / "access.log").read_text().splitlines()
    server_errors = [line for line in access if re.search(r'" 5\d\d ', line)]
    hits = sum("cache=HIT" in line for line in access)
    rps = result["requests"] / result["seconds"]
    print(f"\n{READERS} readers × {result['seconds']:.0f} s on gunicorn ({len(site.worker_pids())} workers): "
          f"{result['requests']} requests, {rps:.0f} req/s, p50 {result['p50_ms']:.0f} ms, "
          f"p95 {result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, max {result['max_ms']:.0f} ms; "
          f"page cache hits {hits / max(len(access), 1):.0%}; errors: {json.dumps(result)}")

    errors = {kind: result[kind] for kind in wrk.ERROR_KINDS}
    assert errors == dict.fromkeys(errors, 0), errors
    assert server_errors == []
    assert result["requests"] >= READERS * SECONDS  # at least one request per reader per second
    assert http_status(f"{site.base_url}/healthz") == 200
