"""Readers' search: one module turns a reader's request into OpenSearch queries and their answers
into results. The results page, the suggestions endpoint, the JSON API and Related Posts all use it.

Relevance (see ../shared/docs/search.md and search/relevance/ for the judged queries):
- exact phrases first: a phrase match on the unstemmed subfields, boosted;
- then every word in one field (best_fields, AND) and every word across fields (cross_fields, AND),
  with a low-weighted "most of the words" clause so related stories fill the tail;
- field weights title > standfirst > body > tags/section > author;
- no fuzziness on the first pass, so names are not flooded with look-alikes ("Abbott" ≠ "Abnett");
  when nothing matches, a second pass with fuzziness finds typos, and a phrase suggester on the
  shingle field offers "Did you mean";
- recency multiplies the score by FLOOR + (1 - FLOOR) · decay(age): fresh news first, an exact old
  match still found.
"""

import html
import re
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.safestring import mark_safe
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError, OpenSearchException, TransportError

from .client import get_client
from .documents import HIGHLIGHT_END, HIGHLIGHT_START
from .index import alias_name

MAX_QUERY_LENGTH = 200
# Every word becomes a clause per field (and more for phrases): beyond ~55 words OpenSearch refuses
# the query (max_clause_count 1024). Readers' queries are a few words; longer ones are cut here.
MAX_QUERY_WORDS = 32
FUZZY_MAX_WORDS = 8  # close-spelling expansions multiply clauses; long queries are not typos anyway
PAGE_SIZE = 10
MAX_PAGE = 50  # deep pages cost OpenSearch more than anyone reads them
RECENCY_FLOOR = 0.5
# A low-weighted clause for most of the words (all of one or two, 75% of more) lets related stories
# fill the tail below the full matches: +0.17 nDCG@10 on the judged "old event" queries, unchanged
# for names and typos (search/relevance/).
LOOSE_MATCH = "2<75%"
LOOSE_BOOST = 0.2
RECENCY_SCALE = "60d"
FIELDS = ["title^6", "standfirst^3", "body^2", "tags^1.5", "section^1.5", "authors"]
PHRASE_FIELDS = ["title.exact^6", "standfirst.exact^3", "body.exact^2", "authors^2"]
SOURCE = ["title", "standfirst", "url", "section", "section_paths", "published_date", "authors", "author_slugs"]
DATE_RANGES = [("day", "Past 24 hours", "now-1d/h"), ("week", "Past week", "now-7d/d"),
               ("month", "Past month", "now-30d/d"), ("year", "Past year", "now-365d/d")]
SORTS = {"relevance": "Relevance", "newest": "Newest"}
# Characters that are never meaningful in a query: C0/C1 controls (also the highlight markers).
_UNWANTED = re.compile(r"[\x00-\x1f\x7f-\x9f" + HIGHLIGHT_START + HIGHLIGHT_END + "]")
_PHRASE = re.compile(r'"([^"]+)"')
# Roughly how OpenSearch's standard tokenizer counts words: runs of letters and digits, except that
# each Chinese/Japanese character is a word of its own, and so is each emoji or other symbol (counted
# generously: any character that is not a letter, digit, space or ASCII punctuation).
# (Ideographs beyond the Basic Multilingual Plane too: 200 of U+20000 are 200 words, not one.)
_CJK = ("\u2e80-\u2fdf\u3040-\u30ff\u31c0-\u31ef\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
        "\U00020000-\U0003ffff")
_WORD = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+|[^\\w\\s!-/:-@\\[-`{{-~]")


class SearchUnavailable(Exception):
    """OpenSearch could not answer (down, too slow, or the index is missing)."""


def word_count(text):
    return sum(1 for _ in _WORD.finditer(text))


def clean_query(text):
    """The query as searched: control characters removed, whitespace collapsed, at most
    MAX_QUERY_LENGTH characters and MAX_QUERY_WORDS words. Returns (query, was_shortened)."""
    text = " ".join(_UNWANTED.sub(" ", text or "").split())
    query = text[:MAX_QUERY_LENGTH]
    words = list(_WORD.finditer(query))
    if len(words) > MAX_QUERY_WORDS:
        query = query[:words[MAX_QUERY_WORDS - 1].end()]
    return query.strip(), query != text


def _int(value, default, low, high):
    try:
        return min(max(int(value), low), high)
    except (TypeError, ValueError):
        return default


@dataclass
class SearchParams:
    q: str = ""
    section: str = ""  # a section path of slugs, e.g. "world/europe"
    date: str = ""  # one of DATE_RANGES' keys
    sort: str = "relevance"
    page: int = 1
    shortened: bool = False

    @classmethod
    def from_querydict(cls, data):
        q, shortened = clean_query(data.get("q", ""))
        section = data.get("section", "")[:200]
        date = data.get("date", "")
        return cls(
            q=q,
            section=section if re.fullmatch(r"[a-z0-9_-]+(/[a-z0-9_-]+)*", section) else "",
            date=date if date in dict((key, label) for key, label, _ in DATE_RANGES) else "",
            sort=data.get("sort") if data.get("sort") in SORTS else "relevance",
            page=_int(data.get("page"), 1, 1, MAX_PAGE),
            shortened=shortened,
        )

    def url_params(self, **changes):
        """The query-string pairs for this search with some changed (links for filters, sort, pages)."""
        values = {"q": self.q, "section": self.section, "date": self.date,
                  "sort": "" if self.sort == "relevance" else self.sort, "page": ""}
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None, 1)}


@dataclass
class Hit:
    id: int
    title: str
    url: str
    section: str
    section_paths: list
    published_date: datetime | None
    authors: list
    title_html: str
    snippet_html: str
    score: float | None = None

    def as_json(self):
        return {"id": self.id, "title": self.title, "url": self.url, "section": self.section,
                "published_date": self.published_date.isoformat() if self.published_date else None,
                "authors": self.authors, "title_html": str(self.title_html), "snippet_html": str(self.snippet_html)}


@dataclass
class Results:
    params: SearchParams
    hits: list = field(default_factory=list)
    total: int = 0
    sections: list = field(default_factory=list)  # [{"path", "title", "depth", "count", "selected"}]
    dates: list = field(default_factory=list)  # [{"key", "label", "count", "selected"}]
    did_you_mean: str = ""
    fuzzy: bool = False  # nothing matched exactly; these are close matches
    took_ms: float = 0.0

    @property
    def first_rank(self):
        return (self.params.page - 1) * PAGE_SIZE + 1

    @property
    def pages(self):
        return min(MAX_PAGE, max(1, -(-self.total // PAGE_SIZE)))


def marked(fragment):
    """Escape a highlighted fragment, then turn the highlight markers into <mark> tags."""
    escaped = html.escape(fragment)
    return mark_safe(escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_END, "</mark>"))


def _text_query(text, fuzzy=False):
    """The scoring part for the words of a query (no filters)."""
    phrases = [p.strip() for p in _PHRASE.findall(text) if p.strip()]
    words = _PHRASE.sub(" ", text).replace('"', " ").strip()
    must = [{"multi_match": {"query": p, "type": "phrase", "fields": PHRASE_FIELDS}} for p in phrases]
    should = []
    if words:
        match_words = {"query": words, "operator": "and"}
        if fuzzy:
            must.append({"multi_match": {**match_words, "type": "best_fields", "fields": FIELDS,
                                         "fuzziness": "AUTO", "prefix_length": 1, "max_expansions": 20}})
        else:
            must.append({"bool": {"minimum_should_match": 1, "should": [
                {"multi_match": {**match_words, "type": "best_fields", "fields": FIELDS, "tie_breaker": 0.3}},
                {"multi_match": {**match_words, "type": "cross_fields", "fields": FIELDS}},
                # Most of the words, weighted low: related stories fill the tail below the full matches.
                {"multi_match": {"query": words, "type": "cross_fields", "fields": FIELDS,
                                 "minimum_should_match": LOOSE_MATCH, "boost": LOOSE_BOOST}},
            ]}})
            # The same words as a phrase rank exact wording first, quotes or not.
            should.append({"multi_match": {"query": words, "type": "phrase", "fields": PHRASE_FIELDS, "boost": 3}})
    return {"bool": {"must": must or [{"match_none": {}}], "should": should}}


def _visible():
    """Articles past their expiry wait up to a scheduler run to be unpublished (and removed)."""
    return {"bool": {"should": [{"bool": {"must_not": {"exists": {"field": "expire_at"}}}},
                                {"range": {"expire_at": {"gt": "now"}}}], "minimum_should_match": 1}}


def _filters(params):
    section = [{"term": {"section_paths": params.section}}] if params.section else []
    since = dict((key, start) for key, _, start in DATE_RANGES).get(params.date)
    date = [{"range": {"published_date": {"gte": since}}}] if since else []
    return section, date


def search_body(params, size=PAGE_SIZE, fuzzy=False):
    """The OpenSearch request for a results page (exposed for the benchmark's raw timings)."""
    section_filter, date_filter = _filters(params)
    scored = {"function_score": {
        "query": _text_query(params.q, fuzzy=fuzzy),
        "functions": [
            {"weight": RECENCY_FLOOR},
            {"gauss": {"published_date": {"origin": "now/h", "scale": RECENCY_SCALE, "offset": "1d",
                                          "decay": 0.5}}, "weight": 1 - RECENCY_FLOOR},
        ],
        "score_mode": "sum", "boost_mode": "multiply",
    }}
    body = {
        "query": {"bool": {"must": [scored], "filter": [_visible()]}},
        # Filters apply after the facets are counted, so each facet counts as if its own choice were
        # not made (pick "Europe" and the other sections keep their counts).
        "post_filter": {"bool": {"filter": section_filter + date_filter}},
        "aggs": {
            "sections": {"filter": {"bool": {"filter": date_filter}},
                         "aggs": {"paths": {"terms": {"field": "section_paths", "size": 100}}}},
            "dates": {"filter": {"bool": {"filter": section_filter}},
                      "aggs": {"ranges": {"date_range": {"field": "published_date", "keyed": True, "ranges": [
                          {"key": key, "from": start} for key, _, start in DATE_RANGES]}}}},
        },
        "from": (params.page - 1) * size,
        "size": size,
        "track_total_hits": True,
        "_source": SOURCE,
        "highlight": {
            "pre_tags": [HIGHLIGHT_START], "post_tags": [HIGHLIGHT_END],
            "require_field_match": False,
            "fields": {
                "title": {"number_of_fragments": 0},
                "standfirst": {"number_of_fragments": 0},
                # Term vectors with offsets make the fast vector highlighter cheap on long bodies.
                "body": {"type": "fvh", "fragment_size": 180, "number_of_fragments": 1},
            },
        },
    }
    if params.sort == "newest":
        body["sort"] = [{"published_date": {"order": "desc"}}, "_score"]
    if params.q and not fuzzy and params.page == 1:
        body["suggest"] = {"text": params.q.replace('"', " "), "did_you_mean": {"phrase": {
            "field": "did_you_mean", "size": 1, "max_errors": 2, "confidence": 1.0,
            "direct_generator": [{"field": "did_you_mean", "suggest_mode": "missing", "min_word_length": 3}],
        }}}
    return body


def _call(method, **kwargs):
    try:
        return method(**kwargs)
    except NotFoundError as error:
        raise SearchUnavailable("the public index does not exist yet") from error
    except (OpenSearchConnectionError, ConnectionTimeout) as error:
        raise SearchUnavailable(str(error)) from error
    except TransportError as error:
        # A closed index (synonyms being applied) or an overloaded node: unavailable, not a bug.
        if isinstance(error.status_code, int) and error.status_code >= 500 or "closed" in str(error):
            raise SearchUnavailable(str(error)) from error
        raise
    except OpenSearchException as error:
        raise SearchUnavailable(str(error)) from error


def _hit(raw):
    source, highlight = raw["_source"], raw.get("highlight", {})
    title = highlight.get("title", [source["title"]])[0]
    snippet = (highlight.get("body") or highlight.get("standfirst") or [source.get("standfirst", "")])[0]
    published = source.get("published_date")
    return Hit(
        id=int(raw["_id"]), title=source["title"], url=source["url"], section=source.get("section", ""),
        section_paths=source.get("section_paths", []),
        published_date=datetime.fromisoformat(published) if published else None,
        authors=source.get("authors", []), title_html=marked(title), snippet_html=marked(snippet),
        score=raw.get("_score"),
    )


def search(params, size=PAGE_SIZE, timeout=None):
    """Run a reader's search. Raises SearchUnavailable when OpenSearch cannot answer."""
    results = Results(params=params)
    if not params.q:
        return results
    started = time.monotonic()
    client = get_client()
    extra = {"request_timeout": timeout} if timeout else {}
    response = _call(client.search, index=alias_name(), body=search_body(params, size), **extra)
    if (response["hits"]["total"]["value"] == 0 and not params.section and not params.date
            and word_count(params.q) <= FUZZY_MAX_WORDS):
        # Nothing matched every word exactly: try close spellings before giving up.
        fuzzy = _call(client.search, index=alias_name(), body=search_body(params, size, fuzzy=True), **extra)
        if fuzzy["hits"]["total"]["value"]:
            results.fuzzy = True
            response = {**fuzzy, "suggest": response.get("suggest")}
    results.total = response["hits"]["total"]["value"]
    results.hits = [_hit(raw) for raw in response["hits"]["hits"]]
    results.sections = _section_facets(response["aggregations"]["sections"]["paths"]["buckets"], params)
    counts = response["aggregations"]["dates"]["ranges"]["buckets"]
    results.dates = [{"key": key, "label": label, "count": counts[key]["doc_count"], "selected": key == params.date}
                     for key, label, _ in DATE_RANGES]
    options = ((response.get("suggest") or {}).get("did_you_mean") or [{}])[0].get("options", [])
    if options and options[0]["text"].lower() != params.q.lower().replace('"', " ").strip() \
            and _finds_anything(client, options[0]["text"], extra):
        results.did_you_mean = options[0]["text"]
    results.took_ms = (time.monotonic() - started) * 1000
    return results


def _finds_anything(client, text, extra):
    """Whether a "Did you mean" suggestion finds visible articles. The phrase suggester reads the
    index's term dictionary, which keeps words of deleted and expired documents until segments
    merge; without this check a typo could be "corrected" to a word of an unpublished article.
    (The suggester's own collate option needs the lang-mustache module.)"""
    body = {"query": {"bool": {"must": [_text_query(text)], "filter": [_visible()]}}}
    return _call(client.count, index=alias_name(), body=body, **extra)["count"] > 0


_section_titles = {"at": 0.0, "titles": {}}


def section_titles():
    """{section slug path: title}, re-read at most once a minute (sections rarely change)."""
    if time.monotonic() - _section_titles["at"] > 60:
        from news.models import SectionPage

        sections = {s.path: s for s in SectionPage.objects.live().only("path", "slug", "title", "depth")}
        titles = {}
        for path, section in sections.items():
            ancestors = [sections[path[:end]] for end in range(12, len(path) + 1, 4) if path[:end] in sections]
            titles["/".join(a.slug for a in ancestors)] = section.title
        _section_titles.update(at=time.monotonic(), titles=titles)
    return _section_titles["titles"]


def _section_facets(buckets, params):
    titles = section_titles()
    facets = [{"path": b["key"], "title": titles.get(b["key"], b["key"].rsplit("/", 1)[-1].replace("-", " ").title()),
               "depth": b["key"].count("/"), "count": b["doc_count"], "selected": b["key"] == params.section}
              for b in buckets]
    # Parents before their children, then alphabetical: a tree readers can scan.
    return sorted(facets, key=lambda f: f["path"])


def suggest_body(text, size=6):
    return {
        "query": {"bool": {
            "must": [{"multi_match": {"query": text, "type": "bool_prefix",
                                      "fields": ["suggest", "suggest._2gram", "suggest._3gram"]}}],
            "filter": [_visible()],
        }},
        "size": size,
        "_source": ["title", "url", "section"],
        "sort": ["_score", {"published_date": {"order": "desc"}}],
    }


def suggest(text, size=6, timeout=None):
    """Headlines that complete what the reader has typed so far."""
    text, _ = clean_query(text)
    text = text.replace('"', " ").strip()
    if len(text) < 2:
        return []
    extra = {"request_timeout": timeout} if timeout else {}
    response = _call(get_client().search, index=alias_name(), body=suggest_body(text, size), **extra)
    return [{"id": int(hit["_id"]), "title": hit["_source"]["title"], "url": hit["_source"]["url"],
             "section": hit["_source"].get("section", "")} for hit in response["hits"]["hits"]]


def related_ids(article_id, like, size=4, timeout=None):
    """Ids of the indexed articles most like this text (more_like_this), best first, never the
    article itself. Built from the text rather than the stored document, so drafts and previews
    (not in the index) get related posts too."""
    body = {
        "query": {"bool": {
            "must": [{"more_like_this": {
                "fields": ["title", "standfirst", "body", "tags"],
                "like": [text for text in like if text],
                "min_term_freq": 1, "min_doc_freq": 1, "max_query_terms": 25,
                "minimum_should_match": "20%",
            }}],
            "must_not": [{"ids": {"values": [str(article_id)]}}] if article_id else [],
            "filter": [_visible()],
        }},
        "size": size,
        "_source": False,
    }
    extra = {"request_timeout": timeout} if timeout else {}
    response = _call(get_client().search, index=alias_name(), body=body, **extra)
    return [int(hit["_id"]) for hit in response["hits"]["hits"]]
