"""Hostile input for search, as hypothesis strategies: OpenSearch/Lucene syntax, unbalanced quotes,
10 KB strings, all of unicode, control characters, HTML/JS payloads, junk filters and page numbers.
Used by the hostile-input tests and the fuzz run."""

import os

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

# Markers only an injection would put in a page: each starts markup or breaks out of an attribute,
# so its escaped form (&lt;…, &quot;…, &#x27;…) never matches.
FORBIDDEN_IN_HTML = ["<xq-evil", "</xq-evil", "<img src=x xq-onerror", 'xq-attr="', "xq-sq='",
                     "</mark><b>", "<script>alert", "<b>bold", 'href="javascript:']
PAYLOADS = ["<xq-evil>", "</xq-evil>", '"><img src=x xq-onerror=alert(1)>', "</mark><b>", "<mark>",
            "<script>alert(1)</script>", '" xq-attr="1', "' xq-sq='1", "javascript:alert(1)", "{{ 7|add:7 }}",
            "{% debug %}", "%(q)s", "%s%s%n", "&lt;xq-evil&gt;", "&#60;xq-evil&#62;", "\ue000", "\ue001",
            "\ue000</mark><b>\ue001", "<!--", "]]>", "\\u003cxq-evil", "'; DROP TABLE search_searchquerylog; --"]
SYNTAX = ["+", "-", "=", "&&", "||", ">", "<", "!", "(", ")", "{", "}", "[", "]", "^", '"', "~", "*", "?", ":",
          "\\", "/", "AND", "OR", "NOT", "TO", "title:", "body:(", "_exists_:", "*:*", "~2", "^100", "[* TO *]",
          "/.*/", '\\"', '"""', "'", "`", "a*b?c", "{!lucene}", "$", "#", "%", "&", "@", ",", ";", "|"]
WORDS = ["lisbon", "climate", "summit", "markets", "rally", "script", "alert", "bold", "bank", "rates",
         "europe", "business", "world", "amara", "okafor", "the", "lisbom", "mark", "xq", "évora", "café"]
ODD = ["\x00", "\x01", "\x08", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\u00a0", "\u200b",
       "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2028", "\u2029", "\ufeff", "\ufffd", "\uffff",
       "😀", "👨\u200d👩\u200d👧", "🏳️\u200d🌈", "Ω", "İ", "ß", "ﬁ", "e\u0301", "\U0001d518", "\U0010fffd",
       "中文", "日本語", "한국어", "العربية", "עברית", "ไทย", "\u0000\u0000"]

# Any character but lone surrogates (a URL cannot carry them: they have no UTF-8 form).
any_char = st.characters(exclude_categories=("Cs",))
any_text = st.text(any_char, max_size=300)
token = st.one_of(st.sampled_from(SYNTAX), st.sampled_from(WORDS), st.sampled_from(PAYLOADS),
                  st.sampled_from(ODD), st.text(any_char, max_size=12))
mixed = st.one_of(st.lists(token, max_size=40).map("".join), st.lists(token, max_size=40).map(" ".join))
unbalanced = st.builds(lambda words, n: '"' * n + " ".join(words), st.lists(st.sampled_from(WORDS + SYNTAX),
                                                                               max_size=8), st.integers(1, 5))
# 10 KB and more, with payloads at the start (inside the 200 characters searched) and at the end.
huge = st.builds(lambda head, unit, tail: head + unit * (10_000 // len(unit) + 1) + tail,
                 st.sampled_from(PAYLOADS + WORDS), st.text(any_char, min_size=1, max_size=40) | st.sampled_from(
                     ["a ", "中", "\u202e", "( ", '"', "*?", "lisbon ", "\x00"]), st.sampled_from(PAYLOADS))
# Many terms within the 200 characters searched: short words, or CJK text (one term per character).
wordy = st.one_of(
    st.lists(st.sampled_from(WORDS) | st.text(st.characters(categories=("Ll", "Nd")), min_size=1, max_size=4),
             min_size=30, max_size=100).map(" ".join),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=20, max_size=250),
)
query_text = st.one_of(mixed, any_text, unbalanced, huge, wordy, st.sampled_from(PAYLOADS + SYNTAX + ODD))

section = st.one_of(st.sampled_from(["", "world", "world/europe", "business", "../../etc", "world/", "/world",
                                     "WORLD", "world//europe", "a" * 300, "world/<xq-evil>", "world%2Feurope"]),
                    any_text, mixed)
date = st.one_of(st.sampled_from(["", "day", "week", "month", "year", "forever", "DAY", "now-1d"]), any_text)
sort = st.one_of(st.sampled_from(["", "relevance", "newest", "oldest", "_score", "drop table", "-published_date"]),
                 any_text)
page = st.one_of(st.integers(-10**12, 10**12).map(str),
                 st.sampled_from(["", "0", "-1", "51", "abc", "1e3", "0x10", "١٢", "٣", "9" * 5000, " 2 ", "NaN",
                                  "inf", "1_000", "2.5", "\x00", "1\x00"]), any_text)


params = st.fixed_dictionaries({"q": query_text}, optional={
    "section": section, "date": date, "sort": sort, "page": page,
    # A repeated parameter (q=a&q=b): Django keeps the last.
    "q2": query_text,
})


def as_request_data(values):
    data = {key: value for key, value in values.items() if key != "q2"}
    if "q2" in values:
        data["q"] = [values["q"], values["q2"]]
    return data


# `make test` is a gate: every run tries the same examples (derandomize seeds them from each test), so
# a change passes or fails on its own merits, reproducibly. `make fuzz` is for discovery: fresh random
# examples, many more of them; each failure it finds becomes a named example test (as in
# test_search_hostile_input.py), which the gate then runs every time.
DISCOVER = os.environ.get("FUZZ") == "discover"
HYPOTHESIS = hypothesis_settings(
    derandomize=not DISCOVER, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example, HealthCheck.filter_too_much],
)
