"""Relevance regression: every judged query (search/relevance/judgments.json) through readers' search
on the default demo newsroom, scored with nDCG@10 and MRR, must not fall below the recorded
baseline (search/relevance/baseline.json), overall or for any kind of query.

After an intended change to ranking, look at the table (pytest -s) and re-record the baseline with
`manage.py search_relevance --record` on a fresh default demo database.
"""

import io
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from search import index, relevance
from search.client import get_client

pytestmark = [pytest.mark.opensearch, pytest.mark.django_db]

# The scores are deterministic in practice: identical on SQLite and PostgreSQL, and unchanged with every
# date shifted by up to 72 hours (recency decays from "now"). The tolerance absorbs float noise and
# near-ties only (another OpenSearch patch release, say). A kind's score is a mean over 10-12 queries,
# so 0.005 is about a twentieth of one query's score: it catches a best answer losing first place
# (MRR) or falling a couple of ranks (nDCG), or an author's article pushed out of their top ten; small
# reorderings of partially relevant results slip under it (the table printed with -s shows them).
TOLERANCE = 0.005


@pytest.fixture
def demo_newsroom():
    """The default demo newsroom (the corpus the queries were judged on) in this test's transaction,
    and the public index rebuilt from it. The transaction is rolled back afterwards; the index is
    emptied so no later test finds these articles."""
    # Loading is the slow part. Index nothing article by article while it runs (tasks are dropped,
    # Wagtail's backend does not auto-update): indexing has tests of its own, and the public index is
    # rebuilt from the database in one go afterwards.
    backends = settings.WAGTAILSEARCH_BACKENDS
    quiet_backends = {name: {**params, "AUTO_UPDATE": False} for name, params in backends.items()}
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
                           WAGTAILSEARCH_BACKENDS=quiet_backends):
        call_command("load_demo_content", stdout=io.StringIO())
    index.rebuild()
    yield
    get_client().delete_by_query(index=index.alias_name(), body={"query": {"match_all": {}}}, refresh=True,
                                 conflicts="proceed")


def test_relevance_stays_at_or_above_the_baseline(demo_newsroom):
    baseline = relevance.load_baseline()
    assert relevance.corpus_size() == relevance.expected_corpus_size()
    resolved = relevance.resolve(relevance.load_judgments())
    started = time.monotonic()
    report = relevance.evaluate(relevance.ours, resolved, name="ours")
    seconds = time.monotonic() - started
    summary = report.summary()

    print(f"\n{len(resolved)} judged queries in {seconds:.1f}s; tolerance {TOLERANCE}")
    print(relevance.format_table({"now": summary, "baseline": baseline["ours"]}))
    failures = relevance.regressions(summary, baseline["ours"], TOLERANCE)
    worst = "\n".join(f"  [{s.query.kind}] {s.query.q!r}: nDCG@10 {s.ndcg:.3f}, RR {s.rr:.2f}"
                      for s in report.worst(8))
    assert not failures, "relevance dropped below the baseline:\n" + "\n".join(failures) + \
        f"\nlowest-scoring queries:\n{worst}"
