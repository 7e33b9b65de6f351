"""What a reader's query asks for, before any OpenSearch query is built.

A query is read into parts — each a thing an article should contain — plus what shapes the ranking:

- quoted phrases must appear as written;
- forms found in the synonym and abbreviation dictionary (search/synonyms.py) become one part with
  several ways to match ("IMF" or "International Monetary Fund");
- a hyphenated word matches joined or apart ("cease-fire": ceasefire, cease fire);
- question and filler words ("what did the … say about") are dropped: they never count against a
  match, so a question finds what its meaningful words find;
- a year (2024) is not required as a word: it favours articles published that year;
- words that ask for the newest ("latest", "result", "winner", "today") are not required either:
  they favour recent articles.

Nothing here talks to OpenSearch: search/query.py turns an Understood into a request.
"""

import re
from dataclasses import dataclass, field

from .synonyms import Dictionary, Form, cased, fold, tokens

# Lucene's English stop words (the index drops them) and the words of questions and requests that
# say nothing about which article is wanted.
STOP_WORDS = {"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no",
              "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this",
              "to", "was", "will", "with"}
FILLER_WORDS = STOP_WORDS | {
    "about", "after", "again", "also", "any", "anything", "article", "articles", "been", "before", "being", "can",
    "could", "coverage", "did", "do", "does", "done", "during", "everything", "find", "from", "get", "going", "got",
    "had", "happen", "happened", "happening", "happens", "has", "have", "he", "her", "here", "his", "how", "i",
    "its", "just", "know", "many", "may", "me", "might", "much", "must", "my", "news", "our", "over", "please",
    "said", "say", "says", "shall", "she", "should", "show", "so", "some", "something", "stories", "story", "tell",
    "than", "them", "there", "thing", "things", "those", "under", "very", "we", "were", "what", "whats", "when",
    "where", "which", "who", "whom", "whose", "why", "would", "you", "your",
}
# Words that ask for the newest article on a subject rather than describe it.
RECENCY_WORDS = {"latest", "newest", "recent", "recently", "current", "currently", "today", "tonight",
                 "yesterday", "now", "result", "results", "winner", "winners", "won", "wins", "outcome",
                 "update", "updates", "live"}
RECENCY_PHRASES = [("this", "week"), ("this", "month"), ("this", "year"), ("last", "night"), ("so", "far")]
YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")


@dataclass
class Alternative:
    text: str  # words to find (as a phrase when there are several)
    cased: bool = False  # one word to find as written (WHO, Fed), not in the lower-cased text


@dataclass
class Part:
    """One thing the reader asked for."""
    text: str  # as the reader typed it
    alternatives: list = field(default_factory=list)  # empty: the words themselves, matched as usual

    @property
    def plain(self):
        return not self.alternatives

    @property
    def cased(self):
        """The reader typed a form whose case matters (WHO, US, Fed)."""
        return any(alternative.cased and alternative.text == cased(self.text) for alternative in self.alternatives)


@dataclass
class Understood:
    text: str  # the query as searched (cleaned)
    parts: list = field(default_factory=list)
    phrases: list = field(default_factory=list)  # quoted, to be found as written
    ignored: list = field(default_factory=list)  # filler words left out of matching
    year: int | None = None
    recency: bool = False
    recency_words: list = field(default_factory=list)

    @property
    def plain_text(self):
        return " ".join(part.text for part in self.parts if part.plain)

    @property
    def expanded(self):
        """The parts that matched the dictionary, for the results page and the query log."""
        return [part for part in self.parts if not part.plain]

    @property
    def empty(self):
        return not self.parts and not self.phrases


_QUOTED = re.compile(r'"([^"]*)"')


def understand(text, dictionary=None):
    dictionary = dictionary or Dictionary()
    result = Understood(text=text)
    result.phrases = [p.strip() for p in _QUOTED.findall(text) if p.strip()]
    unquoted = _QUOTED.sub(" ", text).replace('"', " ")
    toks = tokens(unquoted)

    found = {start: (end, rule, form) for start, end, rule, form in dictionary.find(toks)}
    # A query typed all in capitals with ordinary little words in it ("WHO WON THE CUP") is shouting,
    # not initials; "WHO" or "US GDP" are initials.
    shouting = unquoted.upper() == unquoted and sum(t.folded in FILLER_WORDS for t in toks) >= 2
    pending_filler, i = [], 0
    while i < len(toks):
        token = toks[i]
        pair = (toks[i].folded, toks[i + 1].folded) if i + 1 < len(toks) else None
        if i in found:
            end, rule, form = found[i]
            typed = unquoted[token.start:toks[end - 1].end]
            result.parts.append(Part(typed, _alternatives(rule, form)))
            i = end
            continue
        if pair in RECENCY_PHRASES:
            result.recency = True
            result.recency_words.append(f"{toks[i].text} {toks[i + 1].text}")
            i += 2
            continue
        word = token.folded
        if YEAR.match(word) and result.year is None:
            result.year = int(word)
        elif word in RECENCY_WORDS:
            result.recency = True
            result.recency_words.append(token.text)
        elif word in FILLER_WORDS and _is_initials(token.text) and not shouting:
            # WHO, US, IT in capitals are initials, not the filler words they spell in lower case.
            result.parts.append(Part(token.text, [Alternative(cased(token.text), cased=True)]))
        elif word in FILLER_WORDS:
            pending_filler.append(token.text)
        elif "-" in token.text and all(token.text.split("-")):
            pieces = token.text.split("-")
            result.parts.append(Part(token.text, [Alternative("".join(pieces)), Alternative(" ".join(pieces))]))
        else:
            result.parts.append(Part(token.text))
        i += 1
    result.ignored = pending_filler
    if not result.parts and not result.phrases:
        # Only filler (or only a year or "latest"): search for what was typed rather than nothing.
        words = pending_filler + result.recency_words
        result.parts = [Part(word) for word in words]
        result.ignored, result.recency_words, result.recency = [], [], False
        if not result.parts and result.year:
            result.parts, result.year = [Part(str(result.year))], None
    if result.year:
        result.recency = False  # a year says when; "latest" within it adds nothing the year doesn't
    return result


def _is_initials(text):
    letters = cased(text)
    return len(letters) >= 2 and letters.isupper()


def _alternatives(rule, typed_form):
    forms = list(rule.searches)
    if typed_form not in forms and rule.searches is rule.matches:
        forms.insert(0, typed_form)
    seen, alternatives = set(), []
    for form in forms:
        alternative = _alternative(form)
        key = (alternative.text.lower() if not alternative.cased else alternative.text, alternative.cased)
        if key not in seen:
            seen.add(key)
            alternatives.append(alternative)
    return alternatives


def _alternative(form: Form):
    if form.is_cased_word:
        return Alternative(form.key[0], cased=True)
    return Alternative(" ".join(word for word in form.text.replace(".", "").split()))


__all__ = ["Alternative", "Part", "Understood", "understand", "fold"]
