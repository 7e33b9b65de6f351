"""How a reader's query is read before it reaches OpenSearch: the dictionary's forms (case-aware),
filler words, years, "latest", hyphenated words, British and American spellings. Pure Python."""

import pytest

from search import spelling, synonyms
from search.synonyms import Dictionary, validate_rules
from search.understanding import understand

RULES = """
# a comment
WHO, world health organization
US, U.S., united states
imf, international monetary fund
nhs, national health service
Fed, federal reserve
ai => artificial intelligence
health care, healthcare
"""


@pytest.fixture
def dictionary():
    return Dictionary(RULES)


def alternatives(understood):
    return {part.text: [(alt.text, alt.cased) for alt in part.alternatives] for part in understood.expanded}


def test_initials_in_capitals_expand_but_the_ordinary_word_does_not(dictionary):
    upper = understand("WHO pandemic treaty", dictionary)
    assert alternatives(upper) == {"WHO": [("WHO", True), ("world health organization", False)]}
    assert [p.text for p in upper.parts if p.plain] == ["pandemic", "treaty"]
    lower = understand("who signed the pandemic treaty", dictionary)
    assert lower.expanded == [] and "who" in lower.ignored
    assert [p.text for p in lower.parts] == ["signed", "pandemic", "treaty"]
    assert understand("us troops", dictionary).expanded == []  # "us" is a word; "US" the country
    assert alternatives(understand("US troops", dictionary))["US"][0] == ("US", True)


def test_full_forms_find_the_initials_whatever_the_case_and_spelling(dictionary):
    for text in ["World Health Organization report", "world health organisation report"]:
        understood = understand(text, dictionary)
        typed = text.rsplit(" ", 1)[0]
        assert alternatives(understood) == {typed: [("WHO", True), ("world health organization", False)]}
        assert [part.text for part in understood.parts if part.plain] == ["report"]
    assert alternatives(understand("the International Monetary Fund's forecast", dictionary)) == {
        "International Monetary Fund's": [("imf", False), ("international monetary fund", False)]}
    # Lower-case rules match any case: a reader's NHS is the rule's nhs.
    assert [a for a, _ in alternatives(understand("NHS waiting lists", dictionary))["NHS"]] == [
        "nhs", "national health service"]


def test_longest_form_wins_and_one_way_rules_replace(dictionary):
    assert alternatives(understand("federal reserve rates", dictionary)) == {
        "federal reserve": [("Fed", True), ("federal reserve", False)]}
    assert understand("fed up with rates", dictionary).expanded == []  # "Fed" was written capitalised
    assert alternatives(understand("ai rules", dictionary)) == {"ai": [("artificial intelligence", False)]}
    assert alternatives(understand("U.S. election", dictionary))["U.S."][0] == ("US", True)


def test_questions_keep_only_the_words_that_say_what_is_wanted(dictionary):
    understood = understand("What did the IMF say about Nigeria's economy?", dictionary)
    assert [p.text for p in understood.parts] == ["IMF", "Nigeria's", "economy"]
    assert {"What", "did", "the", "say", "about"} <= set(understood.ignored)
    # Nothing but filler: search for what was typed rather than nothing at all.
    assert [p.text for p in understand("The Who", dictionary).parts] == ["The", "Who"]


def test_a_year_favours_that_year_and_latest_favours_the_newest(dictionary):
    year = understand("housing budget 2024", dictionary)
    assert year.year == 2024 and [p.text for p in year.parts] == ["housing", "budget"] and not year.recency
    latest = understand("latest cup final result", dictionary)
    assert latest.recency and latest.year is None
    assert [p.text for p in latest.parts] == ["cup", "final"] and latest.recency_words == ["latest", "result"]
    assert understand("floods this week", dictionary).recency
    assert understand("COP30 outcome", dictionary).year is None  # not a year: part of a name
    # A month counts as a date beside a year ("may" alone is a filler word).
    month = understand("european central bank cuts rates june 2024", dictionary)
    assert (month.year, month.month) == (2024, 6) and "june" not in [p.text for p in month.parts]
    assert understand("june rates", dictionary).month is None
    assert understand("local elections may 2025", dictionary).month == 5
    # So does a season: the Budget of autumn 2025 need not say "autumn" (September to November).
    season = understand("autumn budget 2025", dictionary)
    assert (season.year, season.month, season.months) == (2025, 9, 3) and [p.text for p in season.parts] == ["budget"]
    assert understand("spring statement", dictionary).month is None
    # "fall" is an ordinary word, and which winter a year means is anyone's guess: both stay words.
    assert [p.text for p in understand("prices fall 2025", dictionary).parts] == ["prices", "fall"]
    assert understand("winter storms 2025", dictionary).month is None
    # A year and "latest" together: the year says when.
    both = understand("latest 2025 marathon winner", dictionary)
    assert both.year == 2025 and not both.recency


def test_hyphenated_words_match_joined_or_apart_and_quotes_stay_phrases(dictionary):
    understood = understand('"cost of living" e-scooter trial', dictionary)
    assert understood.phrases == ["cost of living"]
    assert alternatives(understood) == {"e-scooter": [("escooter", False), ("e scooter", False)]}
    assert alternatives(understand("healthcare costs", dictionary)) == {
        "healthcare": [("health care", False), ("healthcare", False)]}


def test_amounts_accept_every_way_of_writing_them(dictionary):
    def read(text):
        return [(part.text, [alt.text for alt in part.alternatives]) for part in understand(text, dictionary).parts]

    assert read("£2.4bn deal") == [("pounds", []), ("£2.4bn", ["2.4bn", "2.4 billion"]), ("deal", [])]
    assert read("2.4 billion pounds") == [("2.4 billion", ["2.4bn", "2.4 billion"]), ("pounds", [])]
    assert read("$750m") == [("dollars", []), ("$750m", ["750m", "750 million"])]
    # Per cent in any form: the number is what articles index.
    assert read("rates at 4.25%") == read("rates at 4.25 per cent") == read("rates 4.25 percent") == [
        ("rates", []), ("4.25", [])]
    assert read("40.9 degrees") == [("40.9 degrees", ["40.9c", "40.9 degrees", "40.9 celsius"])]
    assert read("12500 jobs") == [("12500", ["12500", "12,500"]), ("jobs", [])]
    assert read("2025 budget") == [("budget", [])]  # a year, not an amount


def test_british_and_american_spellings_fold_together():
    assert spelling.american("organisation") == spelling.american("organization") == "organization"
    assert spelling.american("colours") == "colors" and spelling.american("centre") == "center"
    assert spelling.american("travelled") == "traveled" and spelling.american("analysed") == "analyzed"
    assert spelling.american("defence") == "defense" and spelling.american("programme") == "program"
    # Words the rules must not touch.
    assert spelling.american("rise") == "rise" and spelling.american("crises") == "crises"
    assert "storey => story" not in spelling.synonym_rules()


def test_rules_are_checked_line_by_line():
    assert validate_rules(RULES) == []
    assert validate_rules("good, rule\n=> broken\nok => fine\n, ,") == [(2, "=> broken"), (4, ", ,")]


def test_the_shipped_dictionary_is_valid_and_big_enough():
    text = synonyms.default_synonyms()
    assert validate_rules(text) == []
    dictionary = Dictionary(text)
    assert len(dictionary) >= 200
    # Case-aware where the short form is an ordinary word too.
    assert understand("who", dictionary).expanded == []
    assert understand("WHO", dictionary).expanded != []
    assert understand("it jobs", dictionary).expanded == []
