"""Readers' search: one module turns a reader's request into OpenSearch queries and their answers
into results. The results page, the suggestions endpoint, the JSON API and Related Posts all use it.

The query is first read (search/understanding.py): its parts, the forms the synonym dictionary knows
for them, filler words left out, a year, a wish for the latest. Then, tuned on the development half
of the judged collection (search/relevance/):
- every part, in one field or across fields, with the reader's words as a phrase boosted; below
  those (weighted low) articles with most of the parts, so related stories fill the tail;
- field weights title > standfirst > body > tags/section > author;
- no fuzziness on the first pass, so names are not flooded with look-alikes ("Abbott" ≠ "Abnett");
  when nothing matches, a relaxed pass asks for close spellings of every part and, below them, any
  part at all — a search never comes back empty while one of its words is in an article — and the
  page says which it shows; a phrase suggester on the shingle field offers "Did you mean" when
  few articles have every word;
- recency multiplies the score by FLOOR + (1 - FLOOR) · decay(age): fresh news first, an exact old
  match still found; a query asking for the latest decays without a floor, and a named year
  multiplies its own articles' scores.
"""

import html
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils.safestring import mark_safe
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError, OpenSearchException, TransportError

from . import synonyms
from .client import breaker, get_client
from .documents import HIGHLIGHT_END, HIGHLIGHT_START
from .index import alias_name
from .understanding import understand

MAX_QUERY_LENGTH = 200
# Every word becomes a clause per field (and more for phrases): beyond ~55 words OpenSearch refuses
# the query (max_clause_count 1024). Readers' queries are a few words; longer ones are cut here.
MAX_QUERY_WORDS = 32
FUZZY_MAX_WORDS = 8  # close-spelling expansions multiply clauses; long queries are not typos anyway
PAGE_SIZE = 10
MAX_PAGE = 50  # deep pages cost OpenSearch more than anyone reads them
RECENCY_FLOOR = 0.5
RECENCY_SCALE = "60d"
# Asking for the latest: a matching article counts half as much as one this much newer.
RECENCY_INTENT_HALF_LIFE = "180d"
YEAR_BOOST = 5.0
MONTH_BOOST = 2.0
# A query that names a year or asks for the latest wants one edition of a story: articles tagged with
# a topic the reader named ("local election results": tagged "Local elections") count this many
# times more, so the date picks among the story's editions, not among everything that shares a word
# with it (the Stroud by-election). Tuned on the development half: ×2, ×3, ×4 gave recency 0.960,
# 0.967, 0.968 and old_year 0.970, 0.974, 0.975 (0.941 and 0.961 without), full_form 0.968 at ×4.
TOPIC_BOOST = 3.0
TOPIC_MAX_WORDS = 4  # tags are short names: runs of up to four of the reader's words
TOPIC_PREFIX = "topic:"  # the named clause of each run, read back from a hit's matched_queries
# For "latest", the named story's editions are ordered by date among themselves: those of the page's
# hits that carry the first hit's topics and score at least half of it (a generic tag such as
# "Elections" must not lift last month's US midterms above the German election asked for). Dev:
# recency 0.967 -> 0.981 and compounds 0.929 -> 0.944, nothing lower, the same from 0.3 to 0.7;
# at 0.15 question 0.983 -> 0.965, at 0.9 no gain.
EDITION_SCORE_RATIO = 0.5
# A low-weighted clause for most of the words (one of two, 75% of more) lets related stories fill the
# tail below the full matches: the Autumn Budget article that only ever says "Budget" is found by
# "autumn budget 2025".
LOOSE_MATCH = "1<75%"
LOOSE_BOOST = 0.35
# Two in four, or two in five, of a long query's words: the tail the stock backend's "any word" fills
# (partly relevant stories), without the noise of one word in seven (0.986 → 0.995 for long queries
# on the development half at 40%, from 50%).
SOME_MATCH = "2<40%"
SOME_BOOST = 0.2
SOME_MIN_PARTS = 4  # below that, "most of the words" already asks for little
# "Did you mean" only when fewer articles than this have every word of the query.
FEW_RESULTS = 3
FIELDS = ["title^6", "standfirst^3", "body^2", "tags^1.5", "section^1.5", "authors"]
# Close spellings are looked for in the text only: each field costs an automaton per word.
FUZZY_FIELDS = ["title^6", "standfirst^3", "body^2"]
PHRASE_FIELDS = ["title.exact^6", "standfirst.exact^3", "body.exact^2", "authors^2"]
# Words that begin with a capital, as written (WHO, US, Fed): for the dictionary's case-sensitive forms.
CASED_FIELDS = ["title_capitalised^6", "capitalised^2"]
# Words also looked up where an article writes two of them as one ("health care" → healthcare).
WORD_FIELDS = FIELDS + ["title.joined^6", "standfirst.joined^3", "body.joined^2"]
# Two neighbouring query words written as one in an article ("hose pipe" → hosepipe).
JOINED_BOOST = 1.0
# Neighbouring query words near each other in an article add to its score ("six nations").
PAIR_BOOST = 1.0
PAIR_SLOP = 2
COMPOUND_MAX_PARTS = 8  # pairs and joined words multiply clauses: short queries only
FUZZY_SECOND_PASS_PARTS = 4
FUZZY_BOOST = 0.4
SOURCE = ["title", "standfirst", "url", "section", "section_paths", "published_date", "authors", "author_slugs"]
DATE_RANGES = [("day", "Past 24 hours", "now-1d/h"), ("week", "Past week", "now-7d/d"),
               ("month", "Past month", "now-30d/d"), ("year", "Past year", "now-365d/d")]
SORTS = {"relevance": "Relevance", "newest": "Newest"}
# Characters that are never meaningful in a query: C0/C1 controls (also the highlight markers).
_UNWANTED = re.compile(r"[\x00-\x1f\x7f-\x9f" + HIGHLIGHT_START + HIGHLIGHT_END + "]")
# Roughly how OpenSearch's standard tokenizer counts words: runs of letters and digits, except that
# each Chinese/Japanese character is a word of its own, and so is each emoji or other symbol (counted
# generously: any character that is not a letter, digit, space or ASCII punctuation).
# (Ideographs beyond the Basic Multilingual Plane too: 200 of U+20000 are 200 words, not one.)
_CJK = ("\u2e80-\u2fdf\u3040-\u30ff\u31c0-\u31ef\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
        "\U00020000-\U0003ffff")
_WORD = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+|[^\\w\\s!-/:-@\\[-`{{-~]")


class SearchUnavailable(Exception):
    """OpenSearch could not answer (down, too slow, or the index is missing)."""


class QueryTooLarge(SearchUnavailable):
    """OpenSearch refused the query for having more clauses than its limit (max_clause_count)."""


def word_count(text):
    return sum(1 for _ in _WORD.finditer(text))


def _one_word(text):
    """A word of letters that the analyzer keeps whole (not "中文", which is two)."""
    return text.isalpha() and word_count(text) == 1


def _first_words(text, n):
    """The text up to the end of its n-th word (as the analyzer counts words)."""
    words = list(_WORD.finditer(text))
    return text[:words[n - 1].end()] if len(words) > n else text


def clean_query(text):
    """The query as searched: control characters removed, whitespace collapsed, at most
    MAX_QUERY_LENGTH characters and MAX_QUERY_WORDS words. Returns (query, was_shortened)."""
    text = " ".join(_UNWANTED.sub(" ", text or "").split())
    query = _first_words(text[:MAX_QUERY_LENGTH], MAX_QUERY_WORDS)
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
    now: datetime | None = None  # recency is measured from here (the judged collection's own date)
    # Ids the database says readers may not see although the index still has them (it lags a
    # publish by a moment, or longer while OpenSearch was unreachable): left out of hits and counts.
    hidden: tuple = ()

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
    topics: frozenset = frozenset()  # the named topics (tags) it carries, for "latest" queries

    def as_json(self):
        return {"id": self.id, "title": self.title, "url": self.url, "section": self.section,
                "published_date": self.published_date.isoformat() if self.published_date else None,
                "authors": self.authors, "title_html": str(self.title_html), "snippet_html": str(self.snippet_html)}


RELAXED_NOTICES = {
    "most": "No article has all your words; showing those with most of them.",
    "close": "No article has all your words exactly; showing close spellings.",
    "some": "No article has all your words; showing those with some of them.",
}


@dataclass
class Results:
    params: SearchParams
    hits: list = field(default_factory=list)
    total: int = 0
    sections: list = field(default_factory=list)  # [{"path", "title", "depth", "count", "selected"}]
    dates: list = field(default_factory=list)  # [{"key", "label", "count", "selected"}]
    did_you_mean: str = ""
    # "" when articles have every word; otherwise how the search was widened to find any:
    # "most" (most of the words), "close" (close spellings of every word), "some" (some of the words).
    relaxed: str = ""
    complete: int = 0  # how many results have every word
    understood: object = None
    took_ms: float = 0.0

    @property
    def fuzzy(self):
        return self.relaxed == "close"

    @property
    def notice(self):
        """What the page says about a widened search."""
        return RELAXED_NOTICES.get(self.relaxed, "")

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


# -- building the request ---------------------------------------------------------------------------
def _close_spellings(text):
    """Every word of this text, or a close spelling of it, in the text fields."""
    return {"multi_match": {"query": text, "operator": "and", "type": "best_fields", "fields": FUZZY_FIELDS,
                            "fuzziness": "AUTO", "prefix_length": 1, "max_expansions": 20}}


def _word(text, **extra):
    """One word (or what the analyzer makes of one typed token: "£2.4bn"), in any field, also where
    an article writes it joined to its neighbour (the fields' .joined subfields)."""
    return {"multi_match": {"query": text, "type": "best_fields", "fields": WORD_FIELDS, "operator": "and",
                            "tie_breaker": 0.3, **extra}}


def _alternatives_clause(part):
    """Any one of the ways the dictionary knows to write this part ("IMF", "International Monetary
    Fund"). A form the dictionary writes with capitals is looked up as written, in the index's
    case-sensitive record of capitalised words."""
    forms = []
    for alternative in part.alternatives:
        if alternative.cased:
            forms.append({"multi_match": {"query": alternative.text, "fields": CASED_FIELDS}})
        elif len(alternative.text.split()) > 1:
            forms.append({"multi_match": {"query": alternative.text, "type": "phrase", "fields": FIELDS}})
        else:
            forms.append(_word(alternative.text))
    # The best-matching form counts, not the sum: an article that writes both "ECB" and "European
    # Central Bank" is not twice as relevant as one that writes only one of them.
    return {"dis_max": {"queries": forms, "tie_breaker": 0.1}}


class _Clauses:
    """The query's parts as OpenSearch clauses, built once per request."""

    def __init__(self, understood):
        self.understood = understood
        parts = understood.parts
        # Counted in the analyzer's words, not the query's parts: "中文日本語" is one part but five
        # words, each a clause per field, and joins and pairs of it multiplied past OpenSearch's limit.
        self.short = sum(word_count(part.text) for part in parts) <= COMPOUND_MAX_PARTS
        self.parts = [self._part(i) for i in range(len(parts))]

    def _joinable(self, i, j):
        parts = self.understood.parts
        return (self.short and 0 <= i and j < len(parts) and parts[i].plain and parts[j].plain
                and _one_word(parts[i].text) and _one_word(parts[j].text))

    def _part(self, i):
        part = self.understood.parts[i]
        if not part.plain:
            return _alternatives_clause(part)
        # "hose pipe" in a query, "hosepipe" in the article: the joined word satisfies both parts.
        joined = [self.understood.parts[a].text + self.understood.parts[b].text
                  for a, b in ((i - 1, i), (i, i + 1)) if self._joinable(a, b)]
        if not joined:
            return _word(part.text)
        return {"bool": {"should": [_word(part.text)] + [_word(word, boost=JOINED_BOOST) for word in joined],
                         "minimum_should_match": 1}}

    def fuzzy_part(self, i):
        part = self.understood.parts[i]
        clause = _close_spellings(part.text)
        if part.plain:
            return clause
        alternatives = _alternatives_clause(part)
        if not part.cased:
            # A misspelt form the dictionary did not recognise ("al-Rasheed" for "Al-Rashid"); never
            # for capitals the reader typed (WHO), which must not become the ordinary word.
            alternatives["dis_max"]["queries"].append(clause)
        return alternatives

    def phrases(self):
        """Quoted phrases: the words in that order (any inflection), exact wording ranked first."""
        return [{"multi_match": {"query": p, "type": "phrase", "fields": FIELDS}} for p in self.understood.phrases]

    def all_words(self, fuzzy=False):
        """An article with every part of the query (each part in any of its forms)."""
        parts = [self.fuzzy_part(i) for i in range(len(self.parts))] if fuzzy else self.parts
        must = self.phrases() + parts
        return {"bool": {"must": must or [{"match_none": {}}]}}

    def some_words(self, enough, relaxed=False):
        """An article with `enough` of the parts (a minimum_should_match) and every quoted phrase;
        relaxed, a quoted phrase counts as one more part, with most of its words in any order (a phrase
        remembered a little wrong, "doesn't" for "does not", still finds its article)."""
        should, filters = list(self.parts), self.phrases()
        if relaxed:
            should += [{"multi_match": {"query": p, "type": "cross_fields", "fields": FIELDS,
                                        "minimum_should_match": LOOSE_MATCH}}
                       for p in self.understood.phrases]
            filters = []
        if not should:
            return None
        return {"bool": {"should": should, "minimum_should_match": enough, "filter": filters}}

    def ranking(self):
        """What ranks the matches besides their words: exact wording, neighbouring words near each
        other, and words that ask for the newest or name a year."""
        understood, optional = self.understood, []
        if understood.text:
            # The reader's words as a phrase rank exact wording first, quotes or not.
            optional.append({"multi_match": {"query": understood.text.replace('"', " "), "type": "phrase",
                                             "fields": PHRASE_FIELDS, "boost": 3}})
        optional += [{"multi_match": {"query": p, "type": "phrase", "fields": PHRASE_FIELDS, "boost": 2}}
                     for p in understood.phrases]
        if self.short:
            # Neighbouring words of the query near each other in the article ("six nations").
            texts = [part.text for part in understood.parts]
            optional += [{"multi_match": {"query": f"{a} {b}", "type": "phrase", "slop": PAIR_SLOP,
                                          "fields": FIELDS, "boost": PAIR_BOOST}}
                         for a, b in zip(texts, texts[1:], strict=False)]
        if understood.recency_words:
            # "winner", "result": not required, but an article that says it is a better answer.
            optional.append({"multi_match": {"query": " ".join(understood.recency_words), "fields": FIELDS,
                                             "boost": 0.5}})
        if understood.year:
            # The year and month as words too: April's inflation figure is published in May.
            when = f"{understood.month_word} {understood.year}".strip()
            optional.append({"multi_match": {"query": when, "fields": FIELDS, "boost": 0.5}})
        return optional


EXACT, CLOSE, RELAXED = "exact", "close", "relaxed"


def _text_query(understood, mode=EXACT, clauses=None, scored_once=True):
    """The scoring part of a search (no filters), in one of three modes:
    - EXACT (every search starts here): articles with all the words; below them, weighted low,
      those with most of them, and for longer queries those with some of them;
    - CLOSE (when few articles have every word of a short query: names, misspellings): the same, with
      close spellings of every word below the exact matches;
    - RELAXED (when EXACT finds nothing): close spellings of every word, and below them articles with
      any of the words.
    The named clauses tell the caller which kind of match the results are."""
    clauses = clauses or _Clauses(understood)
    parts = understood.parts
    if mode == RELAXED:
        # Close spellings cost a clause per variant of each word: not for long queries (not typos anyway).
        fuzzy = len(parts) <= FUZZY_MAX_WORDS
        first = clauses.all_words(fuzzy=True) if fuzzy else {"bool": {"must": [{"match_none": {}}]}}
        should = [{"bool": {**first["bool"], "_name": "close"}}]
        some = clauses.some_words(1, relaxed=True)
        if some is not None:
            should.append({"bool": {**some["bool"], "boost": LOOSE_BOOST, "_name": "some"}})
        ranking = []
    elif scored_once and _scores_once(understood):
        should, ranking = _words_scored_once(clauses)
        if mode == CLOSE:
            should.append({"bool": {**clauses.all_words(fuzzy=True)["bool"], "boost": FUZZY_BOOST, "_name": "close"}})
    else:
        ranking = clauses.ranking()
        should = [{"bool": {**clauses.all_words()["bool"], "_name": "all"}}]
        if len(parts) >= SOME_MIN_PARTS and ranking:
            # Word pairs and the year only add to articles with most of the words: two words of a long
            # question side by side ("people died") must not lift a story about something else. Nested
            # in the "most" clause (scaled back up from its boost) so it is evaluated once.
            should.append({"bool": {"must": [clauses.some_words(LOOSE_MATCH)],
                                    "should": [{"bool": {"should": ranking, "boost": 1 / LOOSE_BOOST}}],
                                    "boost": LOOSE_BOOST, "_name": "most"}})
            ranking = []
        elif len(parts) > 1:
            should.append({"bool": {**clauses.some_words(LOOSE_MATCH)["bool"], "boost": LOOSE_BOOST, "_name": "most"}})
        if len(parts) >= SOME_MIN_PARTS:
            # Longer queries: articles with some of the words fill the tail, weighted lower still (a
            # reader's extra words should not hide a story that has some of them).
            should.append({"bool": {**clauses.some_words(SOME_MATCH)["bool"], "boost": SOME_BOOST, "_name": "some"}})
        if mode == CLOSE:
            # "tarik mehmood" finds Tariq Mahmood too, below the exact matches.
            should.append({"bool": {**clauses.all_words(fuzzy=True)["bool"], "boost": FUZZY_BOOST, "_name": "close"}})
    return {"bool": {"must": [{"bool": {"should": should, "minimum_should_match": 1}}], "should": ranking}}


def _scores_once(understood):
    """Whether an EXACT or CLOSE search takes the scored-once form (_words_scored_once)."""
    return len(understood.parts) > 1 and not understood.phrases


def _words_scored_once(clauses):
    """The EXACT clauses of a query of several words (no quoted phrase), scored in one pass: the words
    are scored once and the score multiplied by what the article has — every word 1 + LOOSE_BOOST
    (+ SOME_BOOST for longer queries), most of them LOOSE_BOOST (+ SOME_BOOST), some SOME_BOOST. That
    is the sum the separate "all", "most" and "some" clauses gave (the same results, in the same
    order, for all 576 judged queries), but each word's clause (a field each, up to nine) is scored
    once instead of two or three times; the filters only test membership. At 100,000 articles
    OpenSearch's `took` for the bench's queries of several words fell by 10-13% (docs/benchmarks.md)."""
    parts = clauses.understood.parts
    long = len(parts) >= SOME_MIN_PARTS
    tail = SOME_BOOST if long else 0.0
    all_words = {"bool": {"filter": clauses.all_words()["bool"]["must"], "_name": "all"}}
    most = {"bool": {"filter": [clauses.some_words(LOOSE_MATCH)], "_name": "most"}}
    functions = [{"filter": all_words, "weight": 1 + LOOSE_BOOST + tail}]
    if long:
        functions += [{"filter": most, "weight": LOOSE_BOOST + tail}, {"weight": tail}]
        matched = {"bool": {**clauses.some_words(SOME_MATCH)["bool"], "_name": "some"}}
    else:
        functions += [{"weight": LOOSE_BOOST}]
        matched = {"bool": {**clauses.some_words(LOOSE_MATCH)["bool"], "_name": "most"}}
    # (The names say which kind of match a result is; OpenSearch works them out for the shown hits only.)
    words = {"function_score": {"query": matched, "functions": functions, "score_mode": "max",
                                "boost_mode": "multiply"}}
    ranking = clauses.ranking()
    if long and ranking:
        # Word pairs and the year only add to articles with most of the words: two words of a long
        # question side by side ("people died") must not lift a story about something else.
        ranking = [{"bool": {"filter": [most["bool"]["filter"][0]], "should": ranking}}]
    return [words], ranking


def _visible():
    """Articles past their expiry wait up to a scheduler run to be unpublished (and removed)."""
    return {"bool": {"should": [{"bool": {"must_not": {"exists": {"field": "expire_at"}}}},
                                {"range": {"expire_at": {"gt": "now"}}}], "minimum_should_match": 1}}


def _filters(params):
    section = [{"term": {"section_paths": params.section}}] if params.section else []
    since = dict((key, start) for key, _, start in DATE_RANGES).get(params.date)
    date = [{"range": {"published_date": {"gte": since}}}] if since else []
    return section, date


def _topics(understood):
    """Runs of the reader's words that could be a whole tag ("local election" for "Local elections"),
    and the dictionary's spelled-out forms ("bank of england" for "BoE"); none for long queries."""
    words = _WORD.findall(understood.text.replace('"', " "))
    if len(words) > COMPOUND_MAX_PARTS:
        return []
    runs = {" ".join(words[i:j]) for i in range(len(words))
            for j in range(i + 1, min(i + TOPIC_MAX_WORDS, len(words)) + 1)}
    runs |= {alternative.text for part in understood.parts for alternative in part.alternatives
             if not alternative.cased}
    return sorted(runs)


def _on_topic(understood, query):
    """Articles tagged with a topic the reader named count TOPIC_BOOST times more. Each run is
    analysed as a whole tag is (tags.whole): "by-election" is not the topic "election"."""
    topics = _topics(understood)
    if not topics:
        return query
    # Each run is named so that a hit says which topics it carries (_editions_newest_first).
    tagged = {"bool": {"should": [{"match": {"tags.whole": {"query": run, "_name": TOPIC_PREFIX + run}}}
                                  for run in topics]}}
    return {"function_score": {"query": query, "boost_mode": "multiply",
                               "functions": [{"filter": tagged, "weight": TOPIC_BOOST}]}}


def _scored(understood, query, now):
    """The year asked for, or else freshness (or the newest, for "latest"), applied to the text score;
    with a date asked for, on-topic articles first."""
    if understood.year or understood.recency:
        query = _on_topic(understood, query)
    origin = now.isoformat() if now else "now/h"
    year, month = understood.year, understood.month
    if year and (now or datetime.now(tz=UTC)).year >= year:
        # A year the reader named says when: no freshness on top, which would put this November's
        # decision above the February one asked for with "february 2026" (and the month's weight
        # with it). Its articles first, other years' still found (follow-ups, previews); a month
        # or season named with it, that time's before the rest of the year's.
        functions = [{"filter": {"range": {"published_date": {"gte": f"{year}-01-01", "lt": f"{year + 1}-01-01"}}},
                      "weight": YEAR_BOOST}]
        if month:
            start = f"{year}-{month:02d}-01"
            end = f"{start}||+{understood.months}M"
            functions.append({"filter": {"range": {"published_date": {"gte": start, "lt": end}}},
                              "weight": MONTH_BOOST})
        return {"function_score": {"query": query, "boost_mode": "multiply", "score_mode": "multiply",
                                   "functions": functions}}
    if understood.recency:
        # "latest", "result", "winner": the newest of the matching articles. An exponential decay
        # with no floor halves the score every RECENCY_INTENT_HALF_LIFE, so the newer of two equally
        # good matches wins whatever today's date is (the ratio depends on their age difference only).
        functions = [{"exp": {"published_date": {"origin": origin, "scale": RECENCY_INTENT_HALF_LIFE,
                                                 "decay": 0.5}}}]
    else:
        functions = [
            {"weight": RECENCY_FLOOR},
            {"gauss": {"published_date": {"origin": origin, "scale": RECENCY_SCALE, "offset": "1d", "decay": 0.5}},
             "weight": 1 - RECENCY_FLOOR},
        ]
    return {"function_score": {"query": query, "functions": functions, "score_mode": "sum", "boost_mode": "multiply"}}


def search_body(params, size=PAGE_SIZE, mode=EXACT, understood=None, suggest=None):
    """The OpenSearch request for a results page (exposed for the benchmark's raw timings). With
    `suggest` (by default: in the second passes) it also asks the phrase suggester for "Did you mean"."""
    understood = understood or understand(params.q, synonyms.current())
    clauses = _Clauses(understood)
    section_filter, date_filter = _filters(params)
    hidden = [{"ids": {"values": [str(pk) for pk in params.hidden]}}] if params.hidden else []
    body = {
        "query": {"bool": {"must": [_scored(understood, _text_query(understood, mode, clauses), params.now)],
                           "filter": [_visible()],
                           "must_not": hidden}},
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
    if mode != EXACT or len(understood.parts) > 1:
        # How many of the results have every word (relaxed: a close spelling of every word): when
        # none do, the page says the search was widened. An exact search of one word (or of quoted
        # phrases only) matches nothing else, so its total says it: no second pass over the matches.
        body["aggs"]["complete"] = {"filter": {"bool": {"filter": [clauses.all_words(fuzzy=mode == RELAXED)]
                                                        + section_filter + date_filter}}}
    if mode != EXACT or _scores_once(understood):
        # The words as typed, in separate clauses. Highlighting close spellings would cost as much
        # as finding them (the fuzzy terms are expanded again for every field of every hit); and in
        # the scored-once form the highlighter misses words ("markets rally" left its headline
        # unmarked). With the same wrapping as the query, the marks are exactly as before (checked
        # on the 576 judged queries). Other exact searches highlight with the query itself.
        separate = _text_query(understood, EXACT, clauses, scored_once=False)
        body["highlight"]["highlight_query"] = (separate if mode != EXACT else
                                                {"bool": {"must": [_scored(understood, separate, params.now)],
                                                          "filter": [_visible()]}})
    if params.sort == "newest":
        body["sort"] = [{"published_date": {"order": "desc"}}, "_score"]
    if params.q and params.page == 1 and (mode != EXACT if suggest is None else suggest):
        # "Did you mean" is only shown when few articles have every word: the second passes, which
        # run exactly then, ask for it (and a short query's first request, see search()).
        body["suggest"] = {"text": params.q.replace('"', " "), "did_you_mean": {"phrase": {
            "field": "did_you_mean", "size": 1, "max_errors": 2, "confidence": 1.0,
            "direct_generator": [{"field": "did_you_mean", "suggest_mode": "missing", "min_word_length": 3}],
        }}}
    return body


# Statuses that mean the node (not the query) is in trouble: rejected for load, gateway errors.
NODE_TROUBLE = {429, 502, 503, 504}


def _refusal(status, error):
    """What a reader's search raises for an error OpenSearch answered with: QueryTooLarge for too
    many clauses (Lucene's TooManyClauses), SearchUnavailable for a missing or closed index (synonyms
    being applied) or a node error; None for a bad request, which is the caller's to raise."""
    text = str(error)
    if any(mark in text.lower() for mark in ("maxclausecount", "too_many_clauses", "too_many_nested_clauses")):
        return QueryTooLarge(text)
    if status == 404 or status >= 500 or "closed" in text:
        return SearchUnavailable(text)
    return None


def _call(method, **kwargs):
    if not breaker.allow():
        raise SearchUnavailable("search paused after repeated failures (search.client.CircuitBreaker)")
    try:
        response = method(**kwargs)
    except NotFoundError as error:
        breaker.succeeded()  # the node answered
        raise SearchUnavailable("the public index does not exist yet") from error
    except (OpenSearchConnectionError, ConnectionTimeout) as error:
        breaker.failed()
        raise SearchUnavailable(str(error)) from error
    except TransportError as error:
        # A closed index (synonyms being applied) or an overloaded node: unavailable, not a bug.
        # Only an overloaded or unreachable node opens the breaker: a query OpenSearch refuses (a 500
        # for too many clauses, say) says nothing of the node, and must not let one reader pause
        # search for everyone.
        status = error.status_code if isinstance(error.status_code, int) else 0
        if status in NODE_TROUBLE:
            breaker.failed()
        else:
            breaker.succeeded()
        refusal = _refusal(status, error)
        if refusal:
            raise refusal from error
        raise
    except OpenSearchException as error:
        breaker.failed()
        raise SearchUnavailable(str(error)) from error
    breaker.succeeded()
    return response


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
        topics=frozenset(name[len(TOPIC_PREFIX):] for name in raw.get("matched_queries", ())
                         if name.startswith(TOPIC_PREFIX)),
    )


def _editions_newest_first(hits):
    """For "latest": the editions of the story the reader named, newest first. The editions are the
    page's hits tagged with every named topic the first hit is tagged with ("measles": the Texas
    outbreak's second report above its first, which says "outbreak" more); they keep the places
    they had between them, so the page holds the same articles and paging stays consistent."""
    if not hits or not hits[0].topics:
        return hits
    close = (hits[0].score or 0) * EDITION_SCORE_RATIO
    places = [i for i, hit in enumerate(hits) if hit.topics >= hits[0].topics and (hit.score or 0) >= close]
    undated = datetime.min.replace(tzinfo=UTC)
    newest = sorted((hits[i] for i in places), key=lambda hit: hit.published_date or undated, reverse=True)
    hits = list(hits)
    for place, hit in zip(places, newest, strict=True):
        hits[place] = hit
    return hits


def search(params, size=PAGE_SIZE, timeout=None):
    """Run a reader's search. Raises SearchUnavailable when OpenSearch cannot answer."""
    while True:
        try:
            return _search(params, size, timeout)
        except QueryTooLarge:
            # The limits above estimate what the analyzer makes of a query. Should one still come out
            # too large for OpenSearch, its first half is searched (and the page says so): a reader's
            # query is never answered "unavailable" for its size.
            words = word_count(params.q)
            if words < 2:
                raise
            params.q = _first_words(params.q, words // 2).strip()
            params.shortened = True


def _search(params, size, timeout):
    results = Results(params=params)
    if not params.q:
        return results
    started = time.monotonic()
    client = get_client()
    extra = {"request_timeout": timeout} if timeout else {}
    understood = results.understood = understand(params.q, synonyms.current())

    short = len(understood.parts) <= FUZZY_SECOND_PASS_PARTS

    def body(mode, suggest=None):
        return search_body(params, size, mode, understood, suggest=suggest)

    # A short query asks for "Did you mean" in its first request: when few articles have every word,
    # the second pass and the check that the suggestion finds anything then go in one round trip.
    response = _call(client.search, index=alias_name(), body=body(EXACT, suggest=short), **extra)
    total = response["hits"]["total"]["value"]
    complete = response["aggregations"]["complete"]["doc_count"] if "complete" in response["aggregations"] else total
    suggestion = _suggestion(response, params) if complete < FEW_RESULTS else ""
    # No article has most of the words: close spellings of all of them, or any of them. Few articles
    # have every word of a short query (a name, a misspelling): close spellings below them.
    second = RELAXED if total == 0 else CLOSE if complete < FEW_RESULTS and short else None
    suggestion_finds = None
    if second and suggestion:
        response, check = _msearch(client, [body(second, suggest=False), _finds_anything_body(suggestion)], extra)
        # A suggestion OpenSearch cannot check is simply not offered.
        suggestion_finds = "error" not in check and check["hits"]["total"]["value"] > 0
    elif second:
        response = _call(client.search, index=alias_name(), body=body(second, suggest=not short), **extra)
        suggestion = suggestion or _suggestion(response, params)
    if second == RELAXED and response["hits"]["total"]["value"]:
        results.relaxed = "close" if response["aggregations"]["complete"]["doc_count"] else "some"
    if total and complete == 0:
        # What the best results have: most of the words, or close spellings of them all.
        matched = set().union(*(hit.get("matched_queries", []) for hit in response["hits"]["hits"]))
        results.relaxed = next((name for name in ("most", "close") if name in matched), "some")
        if results.relaxed == "most" and len(understood.parts) <= 2:
            results.relaxed = "some"  # one word of two is not "most of them"
    results.complete = complete
    results.total = response["hits"]["total"]["value"]
    results.hits = [_hit(raw) for raw in response["hits"]["hits"]]
    if understood.recency and not understood.year and params.sort != "newest":
        results.hits = _editions_newest_first(results.hits)
    results.sections = _section_facets(response["aggregations"]["sections"]["paths"]["buckets"], params)
    counts = response["aggregations"]["dates"]["ranges"]["buckets"]
    results.dates = [{"key": key, "label": label, "count": counts[key]["doc_count"], "selected": key == params.date}
                     for key, label, _ in DATE_RANGES]
    if suggestion and suggestion_finds is None:
        try:
            suggestion_finds = _call(client.search, index=alias_name(), body=_finds_anything_body(suggestion),
                                     **extra)["hits"]["total"]["value"] > 0
        except (SearchUnavailable, TransportError):
            suggestion_finds = False  # a suggestion that cannot be checked is not offered
    if suggestion and suggestion_finds:
        results.did_you_mean = suggestion
    results.took_ms = (time.monotonic() - started) * 1000
    return results


def _suggestion(response, params):
    """The phrase suggester's correction of the query, if it is one."""
    options = ((response.get("suggest") or {}).get("did_you_mean") or [{}])[0].get("options", [])
    if options and options[0]["text"].lower() != params.q.lower().replace('"', " ").strip():
        return options[0]["text"]
    return ""


def _finds_anything_body(text):
    """Whether a "Did you mean" suggestion finds visible articles. The phrase suggester reads the
    index's term dictionary, which keeps words of deleted and expired documents until segments
    merge; without this check a typo could be "corrected" to a word of an unpublished article.
    (The suggester's own collate option needs the lang-mustache module.) The suggestion is held to
    a typed query's limits: it is not cut to MAX_QUERY_WORDS, and a longer one made too many clauses."""
    text, _ = clean_query(text)
    return {"query": {"bool": {"must": [_Clauses(understand(text, synonyms.current())).all_words()],
                               "filter": [_visible()]}},
            "size": 0, "track_total_hits": 1, "terminate_after": 1}


def _msearch(client, bodies, extra):
    """Several searches of the public index in one round trip. msearch answers 200 and puts each
    search's failure in its place: the first (the results) is raised as a single search's would be;
    the others are the caller's to read."""
    lines = []
    for body in bodies:
        lines += [{"index": alias_name()}, body]
    responses = _call(client.msearch, body=lines, **extra)["responses"]
    if "error" in responses[0]:
        status, error = responses[0].get("status", 500), responses[0]["error"]
        refusal = _refusal(status, error)
        if refusal:
            raise refusal
        raise TransportError(status, error.get("type", "error"), error)
    return responses


_section_titles = {"at": 0.0, "titles": {}}


def section_titles():
    """{section slug path: title}, re-read at most once a minute (sections rarely change)."""
    if time.monotonic() - _section_titles["at"] > 60:
        from news.models import SectionPage, sections_above

        sections = {s.path: s for s in SectionPage.objects.live().only("path", "slug", "title", "depth")}
        titles = {}
        for path, section in sections.items():
            titles["/".join(a.slug for a in sections_above(path, sections))] = section.title
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
