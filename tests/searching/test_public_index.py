"""The public search index on the real OpenSearch node: only what readers may see, English
analysis, an atomic rebuild behind an alias, and a drift check that repairs."""

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageViewRestriction

from search import index
from search.client import get_client
from tests.helpers import make_section

pytestmark = [pytest.mark.opensearch, pytest.mark.django_db]


def ids(query):
    client = get_client()
    client.indices.refresh(index=index.alias_name())
    response = client.search(index=index.alias_name(), body={
        "query": {"multi_match": {"query": query, "fields": ["title", "standfirst", "body", "tags", "authors"]}}})
    return sorted(int(hit["_id"]) for hit in response["hits"]["hits"])


@pytest.fixture
def articles(make_article, section):
    europe = make_section(section, "Europe")
    return {
        "live": make_article("Elections in Portugal", standfirst="Voters go to the polls.", tags=["elections"],
                             parent=europe),
        "draft": make_article("Election draft", publish=False),
        "private": make_article("Election private"),
        "expiring": make_article("Election expiring"),
    }


@pytest.fixture
def built(articles):
    PageViewRestriction.objects.create(page=articles["private"], restriction_type=PageViewRestriction.LOGIN)
    articles["expiring"].expire_at = timezone.now() - timedelta(seconds=1)
    articles["expiring"].save(update_fields=["expire_at"])
    index.rebuild()
    return articles


def test_only_articles_readers_may_see_are_indexed(built):
    assert ids("election") == [built["live"].pk]


def test_document_fields(built):
    doc = get_client().get(index=index.alias_name(), id=built["live"].pk)["_source"]
    assert doc["title"] == "Elections in Portugal"
    assert doc["section"] == "Europe" and doc["section_paths"] == ["world", "world/europe"]
    assert doc["authors"] == ["Amara Okafor"] and doc["tags"] == ["elections"]
    assert doc["url"] == built["live"].url


def test_english_analysis_stems_and_folds(built, make_article):
    cafe = make_article("Café owners protest")
    index.sync_article(cafe.pk)
    assert ids("election") == [built["live"].pk]  # elections → election
    assert ids("cafe") == [cafe.pk]  # asciifolding
    assert ids("the voters") == [built["live"].pk]  # stop words don't empty the match


def test_sync_adds_and_removes_as_state_changes(built):
    live = built["live"]
    live.unpublish()
    assert index.sync_article(live.pk) == "removed"
    assert ids("portugal") == []
    live.save_revision().publish()
    assert index.sync_article(live.pk) == "indexed"
    assert ids("portugal") == [live.pk]
    assert index.sync_article(built["draft"].pk) == "removed"  # idempotent for a never-indexed draft


def test_rebuild_swaps_the_alias_while_searches_keep_answering(built, make_article):
    for n in range(30):
        make_article(f"Filler story {n}")
    client, alias = get_client(), index.alias_name()
    errors, answered, stop = [], [], threading.Event()

    def search_continuously():
        while not stop.is_set():
            try:
                answered.append(client.search(index=alias, body={"query": {"match": {"title": "portugal"}}})
                                ["hits"]["total"]["value"])
            except Exception as exc:  # any failure during the swap is what this test looks for
                errors.append(exc)

    reader = threading.Thread(target=search_continuously)
    reader.start()
    try:
        old = list(client.indices.get_alias(name=alias))
        name, count, _ = index.rebuild(chunk_size=10)
    finally:
        stop.set()
        reader.join()
    assert errors == [] and answered and all(value == 1 for value in answered)
    assert list(client.indices.get_alias(name=alias)) == [name] and name not in old
    assert not client.indices.exists(index=old[0]), "the old index is dropped"
    assert count == 31


def test_drift_check_finds_and_repairs_missing_stale_and_extra(built, make_article):
    live, private = built["live"], built["private"]
    client, alias = get_client(), index.alias_name()
    # Updates the index never received, as if they had been lost while it was unreachable:
    missing = make_article("Published while the index was not listening")
    client.delete(index=alias, id=missing.pk)
    old_source = client.get(index=alias, id=live.pk)["_source"]
    live.title = "Elections in Portugal: results"
    live.save_revision().publish()
    client.index(index=alias, id=live.pk, body=old_source)  # the index still has the old title → stale
    client.index(index=alias, id=private.pk, body={**old_source, "id": private.pk})  # a private one sneaked in
    client.indices.refresh(index=alias)

    report = index.drift()
    assert report == {"missing": [missing.pk], "stale": [live.pk], "extra": [private.pk]}
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("search_index", "drift", stdout=out)
    assert "missing: 1" in out.getvalue()

    index.drift(repair=True)
    assert index.drift() == {"missing": [], "stale": [], "extra": []}
    assert ids("results") == [live.pk]


def test_a_rebuild_syncs_again_what_changed_while_it_ran(built, make_article):
    # While a new index fills, updates go to the old one behind the alias and are lost with it; the
    # rebuild's catch-up syncs every page Wagtail logged an event for since it began.
    began = timezone.now()
    late = make_article("Published while the rebuild was filling")
    client, alias = get_client(), index.alias_name()
    client.delete(index=alias, id=late.pk, refresh=True)  # as if it had gone to the old index
    built["live"].unpublish()  # likewise: still in the index
    client.index(index=alias, id=built["live"].pk, body={"id": built["live"].pk, "title": "stale"}, refresh=True)

    assert index._catch_up(began) >= 2
    assert ids("rebuild filling") == [late.pk]
    assert built["live"].pk not in ids("stale portugal")
    assert index.drift() == {"missing": [], "stale": [], "extra": []}


def test_one_rebuild_at_a_time(built):
    client, alias = get_client(), index.alias_name()
    live = built["live"]
    with index.rebuild_lock():
        with pytest.raises(index.RebuildInProgress):
            index.rebuild(wait=0)
        # A worker that finds no alias while a rebuild runs does not start a second one: it fails
        # for a retry (the running rebuild's catch-up includes its change).
        name = next(iter(client.indices.get_alias(name=alias)))
        client.indices.delete_alias(index=name, name=alias)
        with pytest.raises(index.IndexingError, match="another rebuild"):
            index.sync_articles([live.pk])
        assert not client.indices.exists_alias(name=alias)
    assert index.sync_articles([live.pk]) == {"indexed": 1, "removed": 0}  # the lock is free: it rebuilds
    assert ids("portugal") == [live.pk]
