"""Hostile input across every door readers and importers have, with hidden articles in the index's
reach: the search surfaces (results page, API, suggestions), the view beacon, the newsletter
signup and the importer. Nothing answers 5xx, no injected markup comes back unescaped, nothing of
a draft or private article is revealed (titles, and its unique word offered as "Did you mean"),
and every bad import record is a RecordError, never a crash.

Each property runs FUZZ_EXAMPLES examples: 300 in `make test`, the same ones every run; `make fuzz`
runs 3,000 fresh random ones (tests/searching/hostile.py says why).
tests/searching/test_search_hostile_input.py covers the search syntax cases in depth."""

import os
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from wagtail.models import PageViewRestriction

from news.importer import KNOWN, RecordError, import_record
from search import index
from tests.searching.hostile import FORBIDDEN_IN_HTML, HYPOTHESIS, PAYLOADS, any_text, query_text

pytestmark = [pytest.mark.opensearch, pytest.mark.django_db, pytest.mark.usefixtures("patient_search")]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
FUZZ = HYPOTHESIS.__class__(HYPOTHESIS, max_examples=EXAMPLES)
SENT = Counter()
SECRET_WORD = "zephyrine"  # only in hidden articles
HIDDEN_TITLES = ["Quillbright memo", "Quillbright members briefing"]


@pytest.fixture
def newsroom(db, make_article, section):
    index.rebuild()
    make_article("Harbour pilots strike", standfirst="Ships wait in the estuary.", body="Pilots walked out.")
    make_article("Markets <xq-evil> rally", standfirst="Shares rise.", body="A good day for the zephyr index.")
    make_article(HIDDEN_TITLES[0], body=f"The {SECRET_WORD} plan is not public.", publish=False)
    private = make_article(HIDDEN_TITLES[1], body=f"Members read about {SECRET_WORD} here.")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return private


def assert_nothing_hidden(text, sent):
    lowered = text.lower()
    for title in HIDDEN_TITLES:
        if title.lower() not in sent.lower():  # (the page repeats the query)
            assert title.lower() not in lowered, (title, sent)
    if SECRET_WORD not in sent.lower():
        assert SECRET_WORD not in lowered, sent  # e.g. offered as "Did you mean"


near_secret = st.sampled_from(["zephyrin", "zephyrne", "zephirine", "zephyrines", "zephyr", "zephyrine",
                               "quillbright", "quilbright memo", "members briefing", "memo"])


@FUZZ
@given(q=st.one_of(query_text, near_secret, st.lists(near_secret, max_size=3).map(" ".join)))
def test_search_surfaces(client, newsroom, q):
    for path in ("/search/", "/api/search/", "/search/suggest/"):
        response = client.get(path, {"q": q})
        SENT[path] += 1
        assert response.status_code < 500, (path, q)
        body = response.content.decode()
        assert_nothing_hidden(body, q)
        if path == "/search/":
            assert not [m for m in FORBIDDEN_IN_HTML if m.lower() in body.lower()], q


@FUZZ
@given(article_id=st.one_of(st.integers(0, 10**40), st.sampled_from(["-1", "abc", "1e9", "9" * 5000])),
       token=st.one_of(any_text, st.sampled_from(PAYLOADS)), user_agent=any_text)
def test_view_beacon(client, newsroom, article_id, token, user_agent):
    response = client.post(f"/api/views/{article_id}/", {"token": token},
                           HTTP_USER_AGENT=user_agent.replace("\x00", ""))
    SENT["beacon"] += 1
    assert response.status_code in (204, 404), (article_id, response.status_code)


@pytest.fixture
def unthrottled_signups(settings):
    # Once per test, not per example: each assignment to pytest-django's `settings` stacks another
    # override, and a few thousand examples (make fuzz) nested them past Python's recursion limit.
    settings.NEWSLETTER_SIGNUPS_PER_HOUR = 10**9  # the throttle has its own test


@FUZZ
@given(email=st.one_of(st.emails(), any_text, st.sampled_from(PAYLOADS),
                       st.builds(lambda p: f"{p}@example.com", st.sampled_from(PAYLOADS))))
def test_newsletter_signup(client, unthrottled_signups, newsroom, email):
    response = client.post("/newsletter/subscribe/", {"email": email})
    SENT["newsletter"] += 1
    assert response.status_code in (200, 400), (email, response.status_code)
    body = response.content.decode()
    assert not [m for m in FORBIDDEN_IN_HTML if m.lower() in body.lower()], email


json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | any_text
                          | st.sampled_from(PAYLOADS),
                          lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children,
                                                                                             max_size=4),
                          max_leaves=12)
plausible = {"id": any_text, "title": any_text, "section": st.sampled_from(["world", "world/europe", "nowhere", ""]),
             "authors": st.lists(any_text, max_size=3), "tags": st.lists(any_text, max_size=3),
             "published_at": st.one_of(any_text, st.sampled_from(["2026-01-05T09:00:00Z", "0001-01-01T00:00:00+14:00",
                                                                 "2999-01-01T00:00:00Z", "2024-02-30T00:00:00Z"]))}


@FUZZ
@given(record=st.one_of(
    json_value,
    st.fixed_dictionaries({}, optional={**plausible, **{key: json_value for key in KNOWN - set(plausible)}}),
    st.dictionaries(st.sampled_from(sorted(KNOWN)) | any_text, json_value, max_size=8)))
def test_import_records(newsroom, tmp_path, record):
    SENT["import"] += 1
    try:
        article = import_record(record, tmp_path)
    except RecordError:
        return
    assert article.title and "\x00" not in article.title


def test_zz_report_counts():
    """Printed with -s: how many hostile inputs the properties above sent (for the closing note)."""
    print(f"\nfuzz: {sum(SENT.values())} requests and records: {dict(SENT)}")
