"""The parts of `make bench` that need Django: run by devenv.bench as a subprocess with the same
environment as the server under test, one JSON document on stdout.

    python -m devenv.bench_django info                      # corpus facts the query list draws on
    python -m devenv.bench_django raw < spec.json           # the same queries straight to OpenSearch
    python -m devenv.bench_django queries < spec.json       # database queries per request
    python -m devenv.bench_django publish < spec.json       # publish -> searchable, through Wagtail

Progress goes to stderr; devenv.bench stays free of Django (it starts and stops the services).
"""

import json
import os
import random
import string
import sys
import time
import urllib.parse
import urllib.request

import django


def log(message):
    print(f"    {message}", file=sys.stderr, flush=True)


def info(_spec):
    from news.models import NEWEST_FIRST, ArticlePage, Author, SectionPage

    # The authors with the most live articles: a reader searches for names they see in bylines.
    visible = ArticlePage.objects.visible()
    authors = sorted(Author.objects.all(), key=lambda a: -visible.filter(article_authors__author=a).count())
    return {
        "live_articles": ArticlePage.objects.visible().count(),
        "articles": ArticlePage.objects.count(),
        "authors": [a.name for a in authors[:3]],
        "sections": [s.url_path for s in SectionPage.objects.live().order_by("path")],
        # Pages readers open: every section, and the articles a news site's traffic goes to (the newest).
        "section_urls": [s.url for s in SectionPage.objects.live().public().order_by("path")],
        "article_urls": [a.url for a in ArticlePage.objects.visible().order_by(NEWEST_FIRST)[:60]],
    }


class TimedClient:
    """The opensearch-py client search.query uses, timing each request it sends: the round trip
    seen from this process and OpenSearch's own `took`."""

    def __init__(self, client):
        self._client = client
        self.calls = []

    def _timed(self, method, **kwargs):
        started = time.perf_counter()
        response = getattr(self._client, method)(**kwargs)
        self.calls.append((time.perf_counter() - started, response.get("took", 0)))
        return response

    def search(self, **kwargs):
        return self._timed("search", **kwargs)

    def count(self, **kwargs):
        return self._timed("count", **kwargs)

    def msearch(self, **kwargs):
        return self._timed("msearch", **kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)


def raw(spec):
    """The OpenSearch side of the very requests the views make: search.query builds the bodies
    (search_body / suggest_body) and decides on follow-ups (the fuzzy second pass for typos, the
    "Did you mean" check) exactly as in a view; every request is sent with opensearch-py from this
    process and timed. Per query: the sum over its OpenSearch requests."""
    from django.http import QueryDict

    from search import query
    from search.client import get_client

    timed = TimedClient(get_client())
    query.get_client = lambda: timed  # search.query imported the name: patch it there
    searches = [query.SearchParams.from_querydict(QueryDict(item)) for item in spec.get("search", [])]
    prefixes = spec.get("suggest", [])
    out = {}
    for kind, items, send in (("search", searches, query.search), ("suggest", prefixes, query.suggest)):
        for item in items:  # warm-up: caches, JIT
            send(item)
        round_trips, took, requests = [], [], []
        for _ in range(spec.get("rounds", 3)):
            for item in items:
                timed.calls = []
                send(item)
                round_trips.append(sum(seconds for seconds, _ in timed.calls))
                took.append(sum(ms for _, ms in timed.calls))
                requests.append(len(timed.calls))
        out[kind] = {"round_trips": round_trips, "took_ms": took, "requests": requests}
    return out


def queries(spec):
    """Database queries each endpoint makes for one (warm) request, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    out = {}
    for name, path in spec["paths"].items():
        client.get(path)  # warm: site root, settings and template caches
        with CaptureQueriesContext(connection) as captured:
            status = client.get(path).status_code
        timed = sorted(((float(q["time"]), q["sql"]) for q in captured.captured_queries), reverse=True)
        out[name] = {"path": path, "status": status, "count": len(timed), "db_ms": sum(t for t, _ in timed) * 1000,
                     "slowest_ms": timed[0][0] * 1000 if timed else None, "slowest_sql": timed[0][1] if timed else "",
                     "sql": [sql[:300] for _, sql in timed]}
    return out


def _found(base_url, token, title):
    url = f"{base_url}/api/search/?{urllib.parse.urlencode({'q': token})}"
    with urllib.request.urlopen(url, timeout=5) as response:
        data = json.load(response)
    return _has_title(data, title)


def _has_title(data, title):
    """True when any result in the API's JSON is the probe article (format-agnostic: any dict whose
    title or url names it; the query itself is echoed elsewhere, so the text alone would not do)."""
    if isinstance(data, dict):
        for key in ("title", "url", "headline"):
            value = data.get(key)
            if isinstance(value, str) and title in value.replace("<mark>", "").replace("</mark>", ""):
                return True
        return any(_has_title(value, title) for value in data.values())
    if isinstance(data, list):
        return any(_has_title(value, title) for value in data)
    return False


def publish(spec):
    """Publish `count` new articles through Wagtail (draft, revision, publish action, signals and
    enqueued tasks as in the admin) and poll the public search API until each one is found."""
    from news.models import Author, SectionPage
    from news.publishing import create_article

    base_url, count, timeout = spec["base_url"], spec.get("count", 10), spec.get("timeout", 30)
    section = SectionPage.objects.live().get(slug="business")
    author = Author.objects.order_by("pk").first()
    rng = random.Random(spec.get("seed", 1))
    results, created = [], []
    for n in range(count):
        # A word no article contains, so the probe is the only hit and nothing cached can answer.
        token = "zq" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
        title = f"Benchmark probe {token}"
        article = create_article(section, title=title, standfirst=f"Published by make bench ({token}).",
                                 authors=[author], tags=["benchmark"], publish=False)
        created.append(article.pk)
        revision = article.get_latest_revision()
        started = time.perf_counter()
        revision.publish()
        published = time.perf_counter() - started
        seen = None
        while time.perf_counter() - started < timeout:
            if _found(base_url, token, title):
                seen = time.perf_counter() - started
                break
            time.sleep(0.02)
        results.append({"publish_call": published, "searchable": seen})
        log(f"probe {n + 1}/{count}: publish() {published * 1000:.0f} ms, searchable after "
            + (f"{seen:.2f} s" if seen is not None else f"NOT FOUND within {timeout} s"))
        # Off the worker's polling rhythm, so the samples cover its whole interval.
        time.sleep(rng.uniform(0.2, 1.2))
    if spec.get("cleanup", True):
        from wagtail.models import Page

        for page in Page.objects.filter(pk__in=created):
            page.delete()
    return {"probes": results}


ACTIONS = {"info": info, "raw": raw, "queries": queries, "publish": publish}


def main(argv):
    action = argv[0]
    spec = json.load(sys.stdin) if action != "info" else {}
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.production")
    django.setup()
    print(json.dumps(ACTIONS[action](spec)))


if __name__ == "__main__":
    main(sys.argv[1:])
