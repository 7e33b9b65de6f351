"""Relevance on the judged collection: every query of both halves (search/relevance/dev.json and
heldout.json) through readers' search and through Wagtail's stock OpenSearch backend, on the demo
newsroom, scored with nDCG@10 and MRR. Ours must not fall below the recorded baseline
(search/relevance/baseline.json), overall or for any kind of query, on either set, and must stay ahead
of the stock backend overall. The table printed with -s compares the two kind by kind (where the stock
backend is still level or ahead is written down in docs/search-relevance.md).

After an intended change to ranking, look at the tables (pytest -s) and re-record the baseline with
`manage.py search_relevance --split dev --split heldout --record` on a fresh demo database.
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

# The scores are deterministic: recency is measured from the collection's own date (relevance.as_of),
# not today's. The tolerance absorbs float noise and near-ties only (another OpenSearch patch
# release, say): a kind's score is a mean over eight to twelve queries, so 0.005 is well under one
# query losing a rank.
TOLERANCE = 0.005


@pytest.fixture
def demo_newsroom():
    """The demo newsroom (the collection the queries were judged on) in this test's transaction, with
    the public index and Wagtail's own index built from it. The transaction is rolled back
    afterwards; the public index is emptied so no later test finds these articles."""
    # Loading is the slow part. Index nothing article by article while it runs (tasks are dropped,
    # Wagtail's backend does not auto-update): both indexes are built from the database in one go.
    backends = settings.WAGTAILSEARCH_BACKENDS
    quiet_backends = {name: {**params, "AUTO_UPDATE": False} for name, params in backends.items()}
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
                           WAGTAILSEARCH_BACKENDS=quiet_backends):
        call_command("load_demo_content", stdout=io.StringIO())
    index.rebuild()
    call_command("update_index", stdout=io.StringIO())
    yield
    get_client().delete_by_query(index=index.alias_name(), body={"query": {"match_all": {}}}, refresh=True,
                                 conflicts="proceed")


def test_relevance_stays_at_or_above_the_baseline_and_ahead_of_wagtails_stock_backend(demo_newsroom):
    baseline = relevance.load_baseline()["splits"]
    assert relevance.corpus_size() == relevance.expected_corpus_size()
    failures = []
    for split in relevance.SPLITS:
        resolved = relevance.resolve(relevance.load_split(split))
        started = time.monotonic()
        ours = relevance.evaluate(relevance.ours, resolved, name="ours")
        stock = relevance.evaluate(relevance.wagtail_stock, resolved, name="wagtail")
        seconds = time.monotonic() - started
        summary, stock_summary = ours.summary(), stock.summary()
        print(f"\n{split}: {len(resolved)} judged queries, both rankers, in {seconds:.1f}s; tolerance {TOLERANCE}")
        print(relevance.format_table({"ours": summary, "baseline": baseline[split]["ours"],
                                      "wagtail": stock_summary}))
        failures += [f"{split}: {line}" for line in relevance.regressions(summary, baseline[split]["ours"], TOLERANCE)]
        for metric in ("ndcg", "mrr"):
            if summary["overall"][metric] <= stock_summary["overall"][metric]:
                failures.append(f"{split}: overall {metric} {summary['overall'][metric]:.4f} not ahead of Wagtail's "
                                f"stock backend ({stock_summary['overall'][metric]:.4f})")
        failures += [f"{split}: lowest [{s.query.kind}] {s.query.q!r}: nDCG@10 {s.ndcg:.3f}, RR {s.rr:.2f}"
                     for s in ours.worst(3)] if failures else []
    assert not failures, "relevance fell:\n" + "\n".join(failures)
