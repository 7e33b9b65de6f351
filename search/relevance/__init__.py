"""Offline relevance: a judged collection of queries over the demo newsroom, scored with nDCG@10 and MRR.

The articles are the written demo collection (news/demo/corpus/, loaded by `manage.py
load_demo_content`); the queries and their grades are in dev.json and heldout.json: the development
half is for tuning, the held-out half is only scored to check that tuning did not over-fit. Each
query is tagged with its kind and, per query, the articles are graded 0-3 by reading them: 3 the
article the query is clearly about, 2 highly relevant, 1 partially relevant, 0 (or unjudged) not
relevant. Articles are named by their id in the collection (the importer's external id), the same
on every database. baseline.json holds the scores recorded for both halves; the test
(tests/searching/test_relevance.py) fails when a change makes ours drop.

A "ranker" is any callable taking the query text and returning article ids best first; `ours` and
`wagtail_stock` below are the two compared by `manage.py search_relevance`.
"""

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPLITS = {"dev": HERE / "dev.json", "heldout": HERE / "heldout.json"}
JUDGMENTS_PATH = SPLITS["dev"]
BASELINE_PATH = HERE / "baseline.json"
K = 10
# MRR counts the first result graded 2 or more: a partially relevant hit (1) is not yet an answer to
# the query, so a ranker that leads with one has not found what the reader wanted.
RELEVANT_GRADE = 2
KINDS = ["names", "typos", "abbreviation", "full_form", "question", "long", "recency", "old_year", "phrase",
         "standfirst", "deep_body", "ambiguous", "variants", "numbers", "accents", "compounds"]

Ranker = Callable[[str], list[int]]


# -- metrics (pure) -------------------------------------------------------------------------------
def _dcg(grades_in_rank_order):
    """Σ (2^g − 1) / log2(rank + 1), ranks counted from 1."""
    return sum((2 ** g - 1) / math.log2(rank + 1) for rank, g in enumerate(grades_in_rank_order, start=1))


def _first_occurrences(ranked_ids):
    seen = set()
    for item in ranked_ids:
        if item not in seen:
            seen.add(item)
            yield item


def ndcg_at_k(ranked_ids: Iterable, grades: dict, k: int = K) -> float:
    """Normalised discounted cumulative gain of the first k results.

    grades maps an id to its grade (0-3); an unjudged id counts as 0, and a repeated id counts only
    where it first appears. The ideal ranking is every judged grade, best first, cut at k — so a
    query with more relevant articles than k needs all k places filled with them to score 1.
    0.0 when nothing is judged relevant (no ranking can do better or worse)."""
    ideal = _dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    ranked = list(_first_occurrences(ranked_ids))[:k]
    return _dcg([grades.get(item, 0) for item in ranked]) / ideal


def reciprocal_rank(ranked_ids: Iterable, grades: dict, threshold: int = RELEVANT_GRADE, k: int | None = None) -> float:
    """1 / the rank of the first result graded `threshold` or more (2 by default: highly relevant);
    0.0 when there is none (within the first k, when k is given)."""
    ranked = list(_first_occurrences(ranked_ids))
    for rank, item in enumerate(ranked[:k] if k else ranked, start=1):
        if grades.get(item, 0) >= threshold:
            return 1.0 / rank
    return 0.0


# -- the judged set -------------------------------------------------------------------------------
@dataclass
class Query:
    q: str
    kind: str
    note: str
    judgments: dict  # article key -> grade


def load_split(split: str) -> list[Query]:
    return load_judgments(SPLITS[split])


def load_judgments(path: Path = JUDGMENTS_PATH) -> list[Query]:
    data = json.loads(Path(path).read_text())
    queries = [Query(q=item["q"], kind=item["kind"], note=item.get("note", ""), judgments=item["judgments"])
               for item in data["queries"]]
    unknown = {query.kind for query in queries} - set(KINDS)
    if unknown:
        raise ValueError(f"{path}: unknown kinds {sorted(unknown)} (known: {KINDS})")
    bad = [(query.q, key) for query in queries for key, g in query.judgments.items() if g not in (0, 1, 2, 3)]
    if bad:
        raise ValueError(f"{path}: grades must be 0-3: {bad[:5]}")
    return queries


def expected_corpus_size(path: Path = JUDGMENTS_PATH) -> int:
    """How many articles readers could see in the judged collection (the demo newsroom)."""
    return json.loads(Path(path).read_text())["corpus_articles"]


def as_of(path: Path = JUDGMENTS_PATH) -> datetime:
    """The collection's own "today": recency is measured from it when scoring, so the scores do not
    drift as the real date moves away from the articles' dates."""
    return datetime.fromisoformat(json.loads(Path(path).read_text())["as_of"])


def corpus_size() -> int:
    """How many articles readers can see in this database."""
    from news.models import ArticlePage

    return ArticlePage.objects.visible().count()


def article_ids_by_key() -> dict:
    """{collection id: database id} for every live article of the collection in the database."""
    from news.models import ArticlePage

    return dict(ArticlePage.objects.live().exclude(external_id=None).values_list("external_id", "pk"))


def resolve(queries: list[Query], ids_by_key: dict | None = None) -> list[tuple[Query, dict]]:
    """Pair each query with its grades by article id. Raises if a judged key names no live article:
    then the database does not hold the demo newsroom and every score would be meaningless."""
    ids_by_key = article_ids_by_key() if ids_by_key is None else ids_by_key
    missing = sorted({key for query in queries for key in query.judgments if key not in ids_by_key})
    if missing:
        raise LookupError(f"{len(missing)} judged articles are not in the database (load the demo "
                          f"newsroom: manage.py load_demo_content), e.g. {missing[:3]}")
    return [(query, {ids_by_key[key]: g for key, g in query.judgments.items()}) for query in queries]


# -- scoring a ranker -----------------------------------------------------------------------------
@dataclass
class QueryScore:
    query: Query
    grades: dict  # article id -> grade
    ndcg: float
    rr: float
    ranked: list


@dataclass
class Report:
    name: str
    scores: list = field(default_factory=list)

    def _mean(self, values):
        values = list(values)
        return sum(values) / len(values) if values else 0.0

    def summary(self) -> dict:
        """{"overall": {"ndcg", "mrr", "queries"}, "kinds": {kind: {...}}}: means over queries."""
        def of(scores):
            return {"ndcg": round(self._mean(s.ndcg for s in scores), 4),
                    "mrr": round(self._mean(s.rr for s in scores), 4), "queries": len(scores)}

        kinds = [kind for kind in KINDS if any(s.query.kind == kind for s in self.scores)]
        return {"overall": of(self.scores),
                "kinds": {kind: of([s for s in self.scores if s.query.kind == kind]) for kind in kinds}}

    def worst(self, n=10):
        return sorted(self.scores, key=lambda s: (s.ndcg, s.rr))[:n]


def evaluate(ranker: Ranker, resolved: list[tuple[Query, dict]], name: str = "", k: int = K) -> Report:
    """Run every judged query through `ranker` and score its first k results."""
    report = Report(name=name)
    for query, grades in resolved:
        ranked = list(ranker(query.q))[:k]
        report.scores.append(QueryScore(query=query, grades=grades, ndcg=ndcg_at_k(ranked, grades, k),
                                        rr=reciprocal_rank(ranked, grades, k=k), ranked=ranked))
    return report


def format_table(summaries: dict) -> str:
    """A per-kind and overall table, one pair of columns (nDCG@10, MRR) per ranker.
    summaries: {ranker name: Report.summary()}."""
    names = list(summaries)
    kinds = [kind for kind in KINDS if any(kind in s["kinds"] for s in summaries.values())]
    head = f"{'kind':<13}{'queries':>8}" + "".join(f"  {name + ' nDCG@10':>20}{name + ' MRR':>16}" for name in names)
    lines = [head, "-" * len(head)]

    def row(label, pick):
        cells = [pick(summaries[name]) for name in names]
        count = next((c["queries"] for c in cells if c), 0)
        return f"{label:<13}{count:>8}" + "".join(
            f"  {c['ndcg']:>20.3f}{c['mrr']:>16.3f}" if c else f"  {'-':>20}{'-':>16}" for c in cells)

    for kind in kinds:
        lines.append(row(kind, lambda s, kind=kind: s["kinds"].get(kind)))
    lines.append("-" * len(head))
    lines.append(row("overall", lambda s: s["overall"]))
    return "\n".join(lines)


# -- the rankers compared ---------------------------------------------------------------------------
def ours(text: str, size: int = K, now: datetime | None = None) -> list[int]:
    """Readers' search (the public index), as the results page runs it, with recency measured from
    the collection's date."""
    from search.query import SearchParams, search

    return [hit.id for hit in search(SearchParams(q=text, now=now or as_of()), size=size).hits]


def wagtail_stock(text: str, size: int = K) -> list[int]:
    """Wagtail's own OpenSearch backend with ArticlePage's search_fields, untuned: what the site
    would do with no public index (needs `manage.py update_index`)."""
    from news.models import ArticlePage

    return [page.pk for page in ArticlePage.objects.live().public().search(text)[:size]]


RANKERS = {"ours": ours, "wagtail": wagtail_stock}


# -- the baseline -------------------------------------------------------------------------------------
def load_baseline(path: Path = BASELINE_PATH) -> dict:
    return json.loads(Path(path).read_text())


def save_baseline(splits: dict, path: Path = BASELINE_PATH, note: str = "") -> None:
    """splits: {split: {ranker name: Report.summary()}}; splits not given keep their recorded scores."""
    recorded = load_baseline(path).get("splits", {}) if Path(path).exists() else {}
    data = {"k": K, "relevant_grade": RELEVANT_GRADE, "note": note, "splits": {**recorded, **splits}}
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def regressions(summary: dict, baseline: dict, tolerance: float) -> list[str]:
    """Where `summary` (Report.summary()) falls below `baseline` (its recorded summary) by more than
    `tolerance`: one line per metric, overall and per kind; empty when none does."""
    failures = []
    pairs = [("overall", summary["overall"], baseline["overall"])] + [
        (kind, summary["kinds"].get(kind, {"ndcg": 0.0, "mrr": 0.0}), recorded)
        for kind, recorded in baseline["kinds"].items()]
    for label, now, then in pairs:
        for metric in ("ndcg", "mrr"):
            if now[metric] < then[metric] - tolerance:
                failures.append(f"{label} {metric}: {now[metric]:.4f} < baseline {then[metric]:.4f} - {tolerance}")
    return failures
