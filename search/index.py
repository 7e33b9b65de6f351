"""The public search index: its mapping, how it is built and kept in step, and the drift check.

Readers' search reads an alias (<prefix>public_articles); a rebuild fills a new index behind it and
swaps the alias in one atomic call, so searches keep answering throughout. Editors' admin search
stays on Wagtail's own backend (it must include drafts).

Written with opensearch-py directly rather than through Wagtail's backend: Wagtail's index holds
drafts (live=False documents) and has no per-field analyzers, highlighting or suggestions.
"""

import itertools
import logging
import time
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.conf import settings
from opensearchpy import helpers
from opensearchpy.exceptions import NotFoundError

from . import spelling
from .client import get_client
from .documents import document, public_articles, section_index

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500
IN_FLIGHT = 3  # bulk requests a rebuild keeps in flight
REBUILD_LOCK_KEY = "search:rebuild-lock"


def alias_name():
    return f"{settings.OPENSEARCH_INDEX_PREFIX}public_articles"


# Bumped whenever the mapping or analysis changes: an index built by older code is rebuilt (with an
# alias swap, so readers keep searching) the first time the task worker meets it.
MAPPING_VERSION = 3

# How text is analysed, the same for articles and queries. Kept cheap, because every reindex runs it
# over every article's whole text (a regular-expression char filter and a number-splitting token
# filter cost a third of the indexing rate and were replaced): money and per cent signs become words
# ("£2.4bn" also finds "2.4bn pounds"), and British and American spellings fold into one
# (search/spelling.py), on the main fields only. The subfields (.exact for phrases, .joined for
# compounds) do without. Amounts written two ways ("£2.4bn", "2.4 billion") are the query reader's
# job (search/understanding.py).
_CHAR_FILTERS = {
    "signs": {"type": "mapping", "mappings": [
        "£ => \\u0020pounds\\u0020", "€ => \\u0020euros\\u0020", "$ => \\u0020dollars\\u0020",
        "¥ => \\u0020yen\\u0020", "% => \\u0020percent\\u0020"]},
}
# After lower-casing: British and American spellings folded into one (search/spelling.py).
_SPELLING = ["spelling", "ise_ize", "yse_yze"]


def _analysis():
    def analyzer(char_filters, filters):
        return {"type": "custom", "char_filter": char_filters, "tokenizer": "standard", "filter": filters}

    folded = ["english_possessive", "lowercase", "asciifolding"]
    return {
        "char_filter": _CHAR_FILTERS,
        "filter": {
            "english_possessive": {"type": "stemmer", "language": "possessive_english"},
            "english_stop": {"type": "stop", "stopwords": "_english_"},
            "english_stemmer": {"type": "stemmer", "language": "english"},
            "spelling": {"type": "synonym", "synonyms": spelling.synonym_rules() + ["per cent => percent"]},
            "ise_ize": {"type": "pattern_replace", "pattern": spelling.ISE_PATTERN,
                        "replacement": spelling.ISE_REPLACEMENT},
            "yse_yze": {"type": "pattern_replace", "pattern": spelling.YSE_PATTERN,
                        "replacement": spelling.YSE_REPLACEMENT},
            "shingles": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 3},
            # Each pair of neighbouring words written as one: "health care" is also "healthcare",
            # "cease-fire" also "ceasefire", so a reader's one word finds the article's two.
            # A whole tag as one token of its stemmed words ("Local elections" and "local election"
            # alike), so a query that names a tag can be told from one that shares a word with it.
            # Stop words stay: "by-election" must not become the topic "election".
            "whole": {"type": "fingerprint", "separator": " ", "max_output_size": 255},
            "joined_pairs": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 2,
                             "output_unigrams": False, "token_separator": "", "filler_token": ""},
        },
        "analyzer": {
            "english": analyzer(list(_CHAR_FILTERS), [*folded, *_SPELLING, "english_stop", "english_stemmer"]),
            "exact": analyzer([], folded),
            "joined": analyzer([], [*folded, "joined_pairs"]),
            "joined_search": analyzer([], folded),
            "whole_tag": analyzer(list(_CHAR_FILTERS), [*folded, *_SPELLING, "english_stemmer", "whole"]),
            # Headlines as typed, for suggestions.
            "plain": analyzer([], ["lowercase", "asciifolding"]),
            "shingle": analyzer([], ["lowercase", "asciifolding", "shingles"]),
        },
    }


def index_body():
    english = {"type": "text", "analyzer": "english", "fields": {
        "exact": {"type": "text", "analyzer": "exact"},
        "joined": {"type": "text", "analyzer": "joined", "search_analyzer": "joined_search", "index_options": "freqs"},
    }}
    # Words that begin with a capital, as written: WHO the organisation, never who the pronoun.
    capitalised = {"type": "text", "analyzer": "whitespace", "norms": False, "index_options": "freqs"}
    return {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": int(getattr(settings, "OPENSEARCH_REPLICAS", 0)),
            "analysis": _analysis(),
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"mapping_version": MAPPING_VERSION},
            "properties": {
                "id": {"type": "integer"},
                "title": english,
                "standfirst": english,
                # Offsets stored with the body make highlighting long articles cheap.
                "body": {**english, "term_vector": "with_positions_offsets"},
                "title_capitalised": capitalised,
                "capitalised": capitalised,
                # Searchable as text (a query for "europe" matches its articles), filtered as keyword.
                "section": {"type": "text", "analyzer": "english", "fields": {"keyword": {"type": "keyword"}}},
                "section_paths": {"type": "keyword"},
                "authors": {"type": "text", "analyzer": "exact", "fields": {"keyword": {"type": "keyword"}}},
                "author_slugs": {"type": "keyword"},
                "tags": {"type": "text", "analyzer": "english", "fields": {
                    "keyword": {"type": "keyword"},
                    "whole": {"type": "text", "analyzer": "whole_tag", "norms": False, "index_options": "docs"}}},
                "tag_slugs": {"type": "keyword"},
                "published_date": {"type": "date"},
                "expire_at": {"type": "date"},
                "url": {"type": "keyword", "index": False},
                "suggest": {"type": "search_as_you_type", "analyzer": "plain"},
                "did_you_mean": {"type": "text", "analyzer": "shingle"},
                "fingerprint": {"type": "keyword"},
            },
        },
    }


def _actions(index, articles, sections):
    for article in articles:
        yield {"_op_type": "index", "_index": index, "_id": article.pk, "_source": document(article, sections)}


REBUILD_LOCK_SECONDS = 3600  # longer than any rebuild; a crashed rebuild's lock expires by itself


@contextmanager
def rebuild_lock(wait=0.0):
    """One rebuild at a time across every process (the shared cache holds the lock): two racing
    rebuilds would each drop the index the other just swapped in. Raises RebuildInProgress when the
    lock is still held after `wait` seconds. Without a reachable cache, rebuilds go unlocked."""
    from django.core.cache import caches

    # The alias that reports Redis errors (the page cache's): an unreachable Redis must not look
    # like a lock that someone holds.
    cache = caches[settings.PAGE_CACHE_ALIAS]

    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait
    try:
        while not cache.add(REBUILD_LOCK_KEY, token, timeout=REBUILD_LOCK_SECONDS):
            if time.monotonic() >= deadline:
                raise RebuildInProgress("another rebuild of the public index is running")
            time.sleep(0.5)
    except RebuildInProgress:
        raise
    except Exception as error:  # the cache is down: better an unlocked rebuild than none
        logger.warning("rebuild lock unavailable (%s); rebuilding without it", error)
        yield
        return
    try:
        yield
    finally:
        try:
            if cache.get(REBUILD_LOCK_KEY) == token:
                cache.delete(REBUILD_LOCK_KEY)
        except Exception:
            logger.warning("could not release the rebuild lock; it expires in %d s", REBUILD_LOCK_SECONDS)


def rebuild(chunk_size=CHUNK_SIZE, out=None, wait=600.0):
    """Fill a fresh index from the database, then point the alias at it (atomically) and drop the
    old one; then apply what changed while it was being filled. Returns (index name, documents
    indexed, seconds). Waits up to `wait` seconds for a rebuild already running elsewhere."""
    with rebuild_lock(wait=wait):
        return _rebuild(chunk_size, out)


def _batched(items, size):
    """itertools.batched, which needs Python 3.12."""
    items = iter(items)
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _rebuild(chunk_size, out):
    from django.utils import timezone

    client, alias = get_client(), alias_name()
    started = time.monotonic()
    began_at = timezone.now()
    new_index = f"{alias}_{time.strftime('%Y%m%d%H%M%S')}_{int(started * 1000) % 1000:03d}"
    body = index_body()
    replicas = body["settings"]["number_of_replicas"]
    # No refreshes and no replicas while filling: much faster; both restored before the swap.
    body["settings"].update(refresh_interval="-1", number_of_replicas=0)
    client.indices.create(index=new_index, body=body)
    sections = section_index()
    count = 0
    articles = public_articles().iterator(chunk_size)
    # Up to three bulk requests in flight: OpenSearch indexes while this thread builds the next chunk,
    # instead of each waiting for the other (740 -> 1,220 articles/s at 100,000 on this 2-core
    # machine; two in flight: 1,090). Not opensearch-py's parallel_bulk: its pool reads the actions
    # in a thread of its own, so the articles would be read on another database connection, outside
    # the caller's transaction.
    in_flight = deque()
    with ThreadPoolExecutor(max_workers=IN_FLIGHT, thread_name_prefix="reindex") as pool:
        for chunk in _batched(_actions(new_index, articles, sections), chunk_size):
            if len(in_flight) == IN_FLIGHT:
                count += in_flight.popleft().result()[0]
                if out and count % 5000 < chunk_size:
                    out(f"  {count} articles indexed ({count / (time.monotonic() - started):.0f}/s)")
            in_flight.append(pool.submit(helpers.bulk, client, chunk, chunk_size=chunk_size,
                                         raise_on_error=True, request_timeout=120))
        while in_flight:
            count += in_flight.popleft().result()[0]
    client.indices.put_settings(index=new_index, body={"refresh_interval": "1s", "number_of_replicas": replicas})
    client.indices.refresh(index=new_index)
    _wait_for_replicas(client, new_index, replicas, out)
    old = list(client.indices.get_alias(name=alias, ignore_unavailable=True).keys()) \
        if client.indices.exists_alias(name=alias) else []
    actions = [{"remove": {"index": name, "alias": alias}} for name in old] + [
        {"add": {"index": new_index, "alias": alias}}]
    client.indices.update_aliases(body={"actions": actions})
    for name in old:
        client.indices.delete(index=name, ignore_unavailable=True)
    # Index updates made while the new index was filling went to the old one: apply them again.
    caught_up = _catch_up(began_at)
    if out and caught_up:
        out(f"  {caught_up} articles changed during the rebuild, synced again")
    _warm_up(client, new_index)
    return new_index, count, time.monotonic() - started


def _catch_up(since):
    """Sync every page that anything happened to since `since` (publish, unpublish, move, delete,
    view restriction: Wagtail logs each one), so nothing that changed during a rebuild is lost.
    Author and tag edits are not page events: the drift check finds those."""
    from wagtail.models import PageLogEntry

    changed = sorted(set(PageLogEntry.objects.filter(timestamp__gte=since).values_list("page_id", flat=True)))
    for start in range(0, len(changed), CHUNK_SIZE):
        sync_articles(changed[start:start + CHUNK_SIZE], locked=True)
    return len(changed)


def _wait_for_replicas(client, name, replicas, out=None):
    """Swap only once the new index has its replica copies (when the cluster has the nodes for them):
    an index swapped in with its only copies on one node would lose searches if that node died."""
    if not replicas:
        return
    data_nodes = client.cluster.health(request_timeout=10)["number_of_data_nodes"]
    wanted = "green" if data_nodes > replicas else "yellow"  # replicas never go on a primary's node
    health = client.cluster.health(index=name, wait_for_status=wanted, timeout="120s", request_timeout=130)
    if health.get("timed_out"):
        logger.warning("index %s is %s, not %s, after 120 s; swapping it in anyway", name, health["status"], wanted)
        if out:
            out(f"  warning: the new index is {health['status']}, not {wanted}: replicas are still being placed")


def _warm_up(client, name):
    """One search with facets and suggestions, so the first reader does not pay for loading the
    new index's structures (global ordinals, the suggester's field data)."""
    from .query import SearchParams, search_body

    try:
        client.search(index=name, body=search_body(SearchParams(q="news")), request_timeout=30)
    except Exception:  # noqa: BLE001 — warming is an optimisation; a failure here must not fail the rebuild
        logger.warning("warming up %s failed", name, exc_info=True)


_versions = {}  # {index name: mapping version}: an index's mapping version never changes


def alias_state(client=None):
    """"missing" (no alias yet), "outdated" (built by code with another MAPPING_VERSION) or "current"."""
    client, alias = client or get_client(), alias_name()
    try:
        names = list(client.indices.get_alias(name=alias))
    except NotFoundError:
        return "missing"
    for name in names:
        if name not in _versions:
            mappings = client.indices.get_mapping(index=name)[name]["mappings"]
            _versions[name] = mappings.get("_meta", {}).get("mapping_version", 1)
        if _versions[name] != MAPPING_VERSION:
            return "outdated"
    return "current"


def ensure_index():
    """Build the index behind the alias if there is none (first start) or if older code built it."""
    if alias_state() != "current":
        rebuild()


def sync_articles(article_ids, refresh=True, locked=False):
    """Make the index agree with the database for these articles: index each one readers may see,
    remove the others. Idempotent, so retries and duplicates are harmless. Returns
    {"indexed": n, "removed": n}.

    Writes name the alias with require_alias: if the alias is missing, OpenSearch would otherwise
    create a concrete index of that name with a guessed mapping and block every later rebuild, so
    a missing alias is rebuilt instead (the rebuild includes these articles). So is an index that
    older code built: its mapping would refuse today's documents."""
    client, alias = get_client(), alias_name()
    article_ids = sorted({int(pk) for pk in article_ids})
    if not article_ids:
        return {"indexed": 0, "removed": 0}
    state = alias_state(client)
    if state != "current":
        if locked:
            raise IndexingError(f"the alias is {state} during a rebuild")
        # First start or an upgrade: build it. If a rebuild is already running, this task retries
        # after it (the rebuild's catch-up applies this change too).
        logger.info("the public index is %s; rebuilding it", state)
        try:
            _, count, _ = rebuild(wait=0)
        except RebuildInProgress as error:
            raise IndexingError(str(error)) from error
        return {"indexed": count, "removed": 0}
    sections = section_index()
    articles = {a.pk: a for a in public_articles().filter(pk__in=article_ids)}
    actions = []
    for pk in article_ids:
        if pk in articles:
            actions.append({"_op_type": "index", "_index": alias, "_id": pk,
                            "_source": document(articles[pk], sections)})
        else:
            actions.append({"_op_type": "delete", "_index": alias, "_id": pk})
    # A delete of a document that is not there is fine; any other failure raises for a retry.
    _, errors = helpers.bulk(client, actions, raise_on_error=False, raise_on_exception=True,
                             refresh="true" if refresh else "false", require_alias=True)
    failures = [e for e in errors if e.get("delete", {}).get("status") != 404]
    if failures:
        raise IndexingError(f"{len(failures)} documents failed: {failures[:3]}")
    return {"indexed": len(articles), "removed": len(article_ids) - len(articles)}


def sync_article(article_id):
    """sync_articles for one article: "indexed" or "removed"."""
    counts = sync_articles([article_id])
    return "indexed" if counts["indexed"] else "removed"


class IndexingError(Exception):
    pass


class RebuildInProgress(Exception):
    pass


def indexed_fingerprints():
    client = get_client()
    hits = helpers.scan(client, index=alias_name(), query={"query": {"match_all": {}}},
                        _source=["fingerprint"], size=1000)
    return {int(hit["_id"]): hit["_source"].get("fingerprint") for hit in hits}


def drift(repair=False):
    """Compare the database with the index: articles missing from it, documents that are out of
    date, and documents that should not be there. With repair=True, fix each one."""
    sections = section_index()
    expected = {a.pk: document(a, sections)["fingerprint"] for a in public_articles().iterator(CHUNK_SIZE)}
    indexed = indexed_fingerprints()
    report = {
        "missing": sorted(set(expected) - set(indexed)),
        "stale": sorted(pk for pk in set(expected) & set(indexed) if expected[pk] != indexed[pk]),
        "extra": sorted(set(indexed) - set(expected)),
    }
    if repair:
        differences = report["missing"] + report["stale"] + report["extra"]
        for start in range(0, len(differences), CHUNK_SIZE):
            sync_articles(differences[start:start + CHUNK_SIZE])
    return report
