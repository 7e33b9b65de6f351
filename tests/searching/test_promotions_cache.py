"""Promoted results are kept in each process under the results page's version tokens
(search/promotions.py): read once, and read again after any change to a promotion, here or in
another process, and after a whole-site purge."""

import pytest
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from pagecache import store
from search import promotions

pytestmark = pytest.mark.django_db


def promote(text, **fields):
    return SearchPromotion.objects.create(query=Query.get(text), sort_order=fields.pop("sort_order", 0),
                                          external_link_url="https://example.org/", **fields)


def shown(text):
    return [p.external_link_text for p in promotions.for_query(text)]


def test_promotions_are_read_once_and_again_after_each_change(django_assert_num_queries):
    promotions.forget()
    promote("budget", external_link_text="Budget explained")
    with django_assert_num_queries(1):
        assert shown("budget") == ["Budget explained"]
    with django_assert_num_queries(0):  # kept: no query for the next searches
        assert shown("budget") == ["Budget explained"]
        assert shown("inflation") == []

    # Saved or deleted in this process (the admin): seen at once.
    second = promote("budget", external_link_text="Budget live", sort_order=1)
    assert shown("budget") == ["Budget explained", "Budget live"]
    second.delete()
    assert shown("budget") == ["Budget explained"]


def test_a_change_made_by_another_process_is_seen_after_its_purge():
    promotions.forget()
    promotion = promote("budget", external_link_text="Budget explained")
    assert shown("budget") == ["Budget explained"]
    # Another process changed it: no signal here, only the new path version its purge wrote.
    SearchPromotion.objects.filter(pk=promotion.pk).update(external_link_text="Budget, explained")
    assert shown("budget") == ["Budget explained"]  # kept until the versions change
    store.purge_paths(["/search/"])
    assert shown("budget") == ["Budget, explained"]
    SearchPromotion.objects.filter(pk=promotion.pk).delete()  # a queryset delete sends the signal too
    assert shown("budget") == []


def test_a_whole_site_purge_reads_them_again():
    promotions.forget()
    promotion = promote("budget", external_link_text="Budget explained")
    assert shown("budget") == ["Budget explained"]
    SearchPromotion.objects.filter(pk=promotion.pk).update(external_link_text="Budget, explained")
    store.purge_all()
    assert shown("budget") == ["Budget, explained"]
