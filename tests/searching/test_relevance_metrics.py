"""The relevance metrics on small cases worked out by hand (no database, no OpenSearch)."""

import json
import math

import pytest

from search import relevance
from search.relevance import Query, evaluate, ndcg_at_k, reciprocal_rank, regressions

LOG2_3 = math.log2(3)


def test_ndcg_of_the_ideal_order_is_one():
    assert ndcg_at_k(["a", "b", "c"], {"a": 3, "b": 2, "c": 1}) == pytest.approx(1.0)


def test_ndcg_by_hand():
    # Ranked b (2), a (3), x (unjudged), c (1).
    # DCG  = (2^2-1)/log2(2) + (2^3-1)/log2(3) + 0 + (2^1-1)/log2(5) = 3 + 4.4165 + 0.4307 = 7.8472
    # IDCG = 7/1 + 3/log2(3) + 1/log2(4) = 7 + 1.8928 + 0.5 = 9.3928
    dcg = 3 + 7 / LOG2_3 + 1 / math.log2(5)
    ideal = 7 + 3 / LOG2_3 + 0.5
    assert ndcg_at_k(["b", "a", "x", "c"], {"a": 3, "b": 2, "c": 1}) == pytest.approx(dcg / ideal)
    assert dcg / ideal == pytest.approx(0.8354, abs=1e-4)


def test_ndcg_cuts_at_k_but_normalises_by_all_judged_grades():
    grades = {"a": 1, "b": 1, "c": 3}
    # k=2: only a and b are seen; the ideal top two are c (3) and one 1.
    assert ndcg_at_k(["a", "b", "c"], grades, k=2) == pytest.approx((1 + 1 / LOG2_3) / (7 + 1 / LOG2_3))
    # Twelve equally relevant articles: ten of them in the top ten is perfect.
    many = {str(n): 2 for n in range(12)}
    assert ndcg_at_k([str(n) for n in range(10)], many) == pytest.approx(1.0)
    assert ndcg_at_k([str(n) for n in range(12)], many, k=10) == pytest.approx(1.0)


def test_ndcg_edge_cases():
    assert ndcg_at_k([], {"a": 3}) == 0.0
    assert ndcg_at_k(["x", "y"], {"a": 3}) == 0.0  # nothing relevant returned
    assert ndcg_at_k(["a"], {}) == 0.0  # nothing judged relevant: no ranking is better than another
    assert ndcg_at_k(["a"], {"a": 0, "b": 0}) == 0.0
    # A repeated id counts once, where it first appears: [a, a] is not better than [a].
    assert ndcg_at_k(["a", "a"], {"a": 3, "b": 3}) == ndcg_at_k(["a"], {"a": 3, "b": 3})
    assert ndcg_at_k(["a"], {"a": 3, "b": 3}) == pytest.approx(7 / (7 + 7 / LOG2_3))


def test_reciprocal_rank_needs_a_highly_relevant_result():
    grades = {"a": 1, "b": 2, "c": 3}
    assert reciprocal_rank(["c", "a"], grades) == 1.0
    assert reciprocal_rank(["a", "x", "b"], grades) == pytest.approx(1 / 3)  # a partial match (1) does not count
    assert reciprocal_rank(["a", "x"], grades) == 0.0
    assert reciprocal_rank(["a", "x"], grades, threshold=1) == 1.0
    assert reciprocal_rank(["x", "y", "c"], grades, k=2) == 0.0
    assert reciprocal_rank([], grades) == 0.0


def test_evaluate_and_summary_average_over_queries_and_kinds():
    resolved = [
        (Query(q="one", kind="names", note="", judgments={}), {1: 3}),
        (Query(q="two", kind="names", note="", judgments={}), {2: 3, 3: 1}),
        (Query(q="three", kind="typos", note="", judgments={}), {4: 2}),
    ]
    ranking = {"one": [1], "two": [3, 2], "three": [5]}
    report = evaluate(lambda text: ranking[text], resolved, name="t")
    two = (1 + 7 / LOG2_3) / (7 + 1 / LOG2_3)
    summary = report.summary()
    assert summary["kinds"]["names"] == {"ndcg": round((1 + two) / 2, 4), "mrr": 0.75, "queries": 2}
    assert summary["kinds"]["typos"] == {"ndcg": 0.0, "mrr": 0.0, "queries": 1}
    assert summary["overall"] == {"ndcg": round((1 + two) / 3, 4), "mrr": 0.5, "queries": 3}
    assert [s.query.q for s in report.worst(2)] == ["three", "two"]
    table = relevance.format_table({"t": summary})
    assert "names" in table and "overall" in table and "0.750" in table


def test_regressions_compare_overall_and_each_kind_with_a_tolerance():
    baseline = {"overall": {"ndcg": 0.8, "mrr": 0.9}, "kinds": {"names": {"ndcg": 0.7, "mrr": 1.0}}}
    same = {"overall": {"ndcg": 0.796, "mrr": 0.9}, "kinds": {"names": {"ndcg": 0.7, "mrr": 0.996}}}
    assert regressions(same, baseline, tolerance=0.005) == []
    worse = {"overall": {"ndcg": 0.79, "mrr": 0.9}, "kinds": {"names": {"ndcg": 0.7, "mrr": 0.9}}}
    assert regressions(worse, baseline, tolerance=0.005) == [
        "overall ndcg: 0.7900 < baseline 0.8000 - 0.005", "names mrr: 0.9000 < baseline 1.0000 - 0.005"]
    # A kind the run lost entirely counts as zero.
    assert regressions({"overall": {"ndcg": 0.8, "mrr": 0.9}, "kinds": {}}, baseline, 0.005) == [
        "names ndcg: 0.0000 < baseline 0.7000 - 0.005", "names mrr: 0.0000 < baseline 1.0000 - 0.005"]


def test_the_judged_collection_is_well_formed():
    from news.demo import corpus

    ids = {record["id"] for record in corpus.records()}
    halves = {split: relevance.load_split(split) for split in relevance.SPLITS}
    queries = halves["dev"] + halves["heldout"]
    assert len(queries) >= 120
    for kind in relevance.KINDS:
        counts = {split: sum(q.kind == kind for q in half) for split, half in halves.items()}
        assert sum(counts.values()) >= 8 and min(counts.values()) >= 4, (kind, counts)
    for query in queries:
        # Every query has an answer worth ranking first, so its MRR can reach 1.
        assert max(query.judgments.values()) >= relevance.RELEVANT_GRADE, query.q
        assert set(query.judgments) <= ids, (query.q, set(query.judgments) - ids)
    assert len({(q.q, q.kind) for q in queries}) == len(queries)  # no query in both halves
    assert relevance.expected_corpus_size(relevance.SPLITS["dev"]) == relevance.expected_corpus_size(
        relevance.SPLITS["heldout"]) > len(ids) - 1
    assert relevance.as_of(relevance.SPLITS["dev"]) == relevance.as_of(relevance.SPLITS["heldout"])


def test_load_judgments_rejects_bad_grades_and_kinds(tmp_path):
    path = tmp_path / "j.json"
    path.write_text(json.dumps({"queries": [{"q": "x", "kind": "names", "judgments": {"a-b": 4}}]}))
    with pytest.raises(ValueError, match="0-3"):
        relevance.load_judgments(path)
    path.write_text(json.dumps({"queries": [{"q": "x", "kind": "misc", "judgments": {"a-b": 3}}]}))
    with pytest.raises(ValueError, match="unknown kinds"):
        relevance.load_judgments(path)


def test_resolve_names_articles_by_collection_id_and_refuses_another_corpus():
    query = Query(q="x", kind="names", note="", judgments={"eur-2025-a": 3, "tec-2024-b": 1})
    assert relevance.resolve([query], {"eur-2025-a": 10, "tec-2024-b": 11, "tec-2024-c": 12}) == [
        (query, {10: 3, 11: 1})]
    with pytest.raises(LookupError, match="load_demo_content"):
        relevance.resolve([query], {"eur-2025-a": 10})
