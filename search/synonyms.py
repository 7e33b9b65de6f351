"""The editors' synonym and abbreviation dictionary (Settings → Search), read and applied in Python.

A rule is a line: "nhs, national health service" makes the forms interchangeable; "ai => artificial
intelligence" searches for the right side when readers type the left. Case matters only where the
rule writes capitals: "WHO, world health organization" expands the reader's "WHO" but never the
pronoun "who", while a lower-case form matches however the reader types it.

Why in Python rather than OpenSearch's synonym_graph filter: the filter runs after lower-casing, so it
cannot tell WHO from who; a change needs the index closed and reopened (searches fail meanwhile); and
a form that is also a stop word ("IT", "US") is gone before it could be expanded. Here the query
reader (search/understanding.py) finds the forms in the reader's words and the query module asks for
any one of them, a form with capitals as written through the index's case-sensitive record of
capitalised words. Changes apply to the next search in this process (the save signal) and within CACHE_SECONDS
in the others; nothing is reindexed.
"""

import re
import time
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from .spelling import american

DEFAULT_PATH = Path(__file__).resolve().parent / "default_synonyms.txt"
CACHE_SECONDS = 10
MAX_FORM_WORDS = 8
_RULE = re.compile(r"^[^,=>]+(,[^,=>]+)*(=>[^,=>]+(,[^,=>]+)*)?$")
# A reader's word: letters, digits and what joins them inside a word (U.S., A&E, e-scooter, 12,500,
# d'Ivoire), with a currency sign before it or a per cent sign after it.
_TOKEN = re.compile(r"[£$€¥]?\w+(?:[.'’&,/-]\w+)*\.?%?")


def default_synonyms():
    """The dictionary shipped with Newsroom (a new site's Settings → Search starts with it)."""
    return DEFAULT_PATH.read_text(encoding="utf-8")


def validate_rules(text):
    """Lines that are not rules, as (line number, line) pairs."""
    bad = []
    for number, line in enumerate(text.splitlines(), start=1):
        rule = line.strip()
        if rule and not rule.startswith("#") and not _RULE.match(rule):
            bad.append((number, rule))
        elif rule and not rule.startswith("#") and any(not words(form) for form in re.split(r",|=>", rule)):
            bad.append((number, rule))
    return bad


def fold(word):
    """How a word is compared when case does not matter: lower case, no accents, no possessive
    's, no dots (U.S. = us), American spelling."""
    word = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    word = "".join(c for c in word if not unicodedata.combining(c))
    if word.endswith("'s"):
        word = word[:-2]
    return american(word.replace(".", "").strip("'"))


def cased(word):
    """How a word is compared when case matters: as written, without dots (U.S. = US)."""
    return word.replace(".", "")


@dataclass(frozen=True)
class Token:
    text: str  # as the reader wrote it
    start: int
    end: int

    @cached_property  # compared with every candidate form at its position
    def folded(self):
        return fold(self.text)


def tokens(text):
    return [Token(m.group().rstrip(".") if m.group().count(".") == 1 else m.group(), m.start(), m.end())
            for m in _TOKEN.finditer(text)]


def words(text):
    return [t.text for t in tokens(text)]


@dataclass(frozen=True)
class Form:
    """One way of writing a thing: its words, and whether case matters (the rule wrote capitals)."""
    text: str

    @cached_property
    def is_cased(self):
        return any(c.isupper() for c in self.text)

    @cached_property  # read for every candidate match of every search: folded once per dictionary
    def key(self):
        return tuple(cased(w) if self.is_cased else fold(w) for w in words(self.text))

    @property
    def is_cased_word(self):
        """A single word written with capitals (WHO, U.S., G7, Fed): looked up as written in the
        index's case-sensitive record of capitalised words, not in the lower-cased text."""
        return self.is_cased and len(self.key) == 1


@dataclass(frozen=True)
class Rule:
    matches: tuple  # the forms a reader may type
    searches: tuple  # the forms searched for when one of them is found


class Dictionary:
    def __init__(self, text=""):
        self.rules = []
        self._by_first = {}
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#") or not _RULE.match(line):
                continue
            left, _, right = line.partition("=>")
            matches = tuple(Form(f.strip()) for f in left.split(",") if words(f))
            searches = tuple(Form(f.strip()) for f in right.split(",") if words(f)) if right else matches
            if not matches or not searches:
                continue
            rule = Rule(matches=matches, searches=searches)
            self.rules.append(rule)
            for form in matches:
                if 0 < len(form.key) <= MAX_FORM_WORDS:
                    self._by_first.setdefault(form.key[0], []).append((form, rule))

    def __len__(self):
        return len(self.rules)

    def find(self, toks):
        """The rules whose forms occur in these tokens: [(first index, end index, rule, form)],
        longest match first at each position, never overlapping."""
        found, i = [], 0
        while i < len(toks):
            best = None
            for key in {cased(toks[i].text), toks[i].folded}:
                for form, rule in self._by_first.get(key, ()):
                    n = len(form.key)
                    if i + n <= len(toks) and self._matches(form, toks[i:i + n]):
                        if best is None or n > best[1] - best[0]:
                            best = (i, i + n, rule, form)
            if best:
                found.append(best)
                i = best[1]
            else:
                i += 1
        return found

    @staticmethod
    def _matches(form, toks):
        if form.is_cased:
            return tuple(cased(t.text) for t in toks) == form.key
        return tuple(t.folded for t in toks) == form.key


@lru_cache(maxsize=4)
def _parsed(text):
    return Dictionary(text)


_cache = {"at": -CACHE_SECONDS, "text": None}


def current():
    """The dictionary editors keep in Settings → Search (re-read at most every CACHE_SECONDS)."""
    if time.monotonic() - _cache["at"] > CACHE_SECONDS:
        from .models import SearchSettings

        _cache.update(at=time.monotonic(), text=SearchSettings.load().synonyms)
    return _parsed(_cache["text"] or "")


def forget():
    """Read the dictionary again on the next search (the settings were saved in this process)."""
    _cache["at"] = -CACHE_SECONDS
