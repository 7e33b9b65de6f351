"""What a reader's query asks for, before any OpenSearch query is built.

A query is read into parts — each a thing an article should contain — plus what shapes the ranking:

- quoted phrases must appear as written;
- forms found in the synonym and abbreviation dictionary (search/synonyms.py) become one part with
  several ways to match ("IMF" or "International Monetary Fund");
- a hyphenated word matches joined or apart ("cease-fire": ceasefire, cease fire);
- question and filler words ("what did the … say about") are dropped: they never count against a
  match, so a question finds what its meaningful words find;
- a year (2024) is not required as a word: it favours articles published that year, and a month
  or season named with it ("june 2024", "autumn budget 2025") that time;
- words that ask for the newest ("latest", "result", "winner", "today") are not required either:
  they favour recent articles.

Nothing here talks to OpenSearch: search/query.py turns an Understood into a request.
"""

import re
from dataclasses import dataclass, field

from .synonyms import Dictionary, Form, cased, tokens

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
# Month names count as a date only beside a year ("may 2025"; "may" alone is a filler word).
MONTHS = {name: number for number, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march",), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")], start=1) for name in names}
# Seasons beside a year are dates too ("autumn budget 2025": the Budget of September to November,
# which need not say "autumn"), as the northern hemisphere's meteorological seasons: (first month,
# months). Not "winter" (which year's December?) nor "fall" (an ordinary word: "prices fall 2025").
SEASONS = {"spring": (3, 3), "summer": (6, 3), "autumn": (9, 3)}


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
    month: int | None = None  # only with a year; the first month of a season
    months: int = 1  # how many months from `month` the reader named: 3 for a season
    month_word: str = ""  # the month or season as typed ("april"): articles about that time say it too
    recency: bool = False
    recency_words: list = field(default_factory=list)

    @property
    def expanded(self):
        """The parts that matched the dictionary, for the results page and the query log."""
        return [part for part in self.parts if not part.plain]


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
        amount = _amount(toks, i)
        if amount:
            parts, i = amount
            result.parts += parts
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
    if result.year:
        dates = {**MONTHS, **{name: first for name, (first, _) in SEASONS.items()}}
        months = [p for p in result.parts + [Part(w) for w in pending_filler] if p.plain and p.text.lower() in dates]
        if months:
            word = months[0].text.lower()
            result.month, result.months = dates[word], SEASONS.get(word, (0, 1))[1]
            result.month_word = months[0].text
            result.parts = [p for p in result.parts if p is not months[0]]
            pending_filler = [w for w in pending_filler if w.lower() not in dates]
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


# Amounts are written several ways: "£2.4bn", "£2.4 billion", "2.4bn pounds"; "4.25%", "4.25 per cent";
# "40.9C", "40.9 degrees". The index keeps a number and a letter suffix as one word ("2.4bn",
# "40.9c"), so the reader's amount becomes a part that accepts each way of writing it.
_NUMBER = re.compile(r"([£$€¥]?)(\d[\d,]*(?:\.\d+)?)([a-z%]*)")
SCALES = {"bn": "billion", "b": "billion", "billion": "billion", "billions": "billion", "m": "million",
          "million": "million", "millions": "million", "tn": "trillion", "trn": "trillion", "trillion": "trillion",
          "k": "thousand", "thousand": "thousand"}
SHORT_SCALES = {"billion": "bn", "million": "m", "trillion": "tn", "thousand": "k"}
UNITS = {"c": "c", "degrees": "c", "degree": "c", "celsius": "c", "centigrade": "c", "f": "f", "fahrenheit": "f",
         "mph": "mph", "km": "km", "kg": "kg", "mm": "mm", "cm": "cm"}
CURRENCY_WORDS = {"£": "pounds", "$": "dollars", "€": "euros", "¥": "yen"}


def _amount(toks, i):
    """([parts], next index) when toks[i] starts an amount with a scale, unit or per cent sign; None
    for anything else (a plain number is matched as typed)."""
    match = _NUMBER.fullmatch(toks[i].text.lower())
    if not match or YEAR.match(toks[i].text):
        return None
    sign, number, suffix = match.groups()
    following = [t.folded for t in toks[i + 1:i + 3]]
    end = i + 1
    if not suffix and following[:1] and (following[0] in SCALES or following[0] in UNITS):
        suffix, end = following[0], i + 2
    elif not suffix and following[:1] == ["percent"]:
        suffix, end = "%", i + 2
    elif not suffix and following == ["per", "cent"]:
        suffix, end = "%", i + 3
    typed = " ".join(t.text for t in toks[i:end])
    parts = [Part(CURRENCY_WORDS[sign])] if sign else []
    if suffix in SCALES:
        scale = SCALES[suffix]
        parts.append(Part(typed, [Alternative(number + SHORT_SCALES[scale]), Alternative(f"{number} {scale}")]))
    elif suffix == "%":
        parts.append(Part(number))  # 4.25%, 4.25 per cent and 4.25 percent all index the number
    elif suffix in UNITS:
        unit = UNITS[suffix]
        spelled = {"c": ["degrees", "celsius"], "f": ["degrees", "fahrenheit"]}.get(unit, [unit])
        parts.append(Part(typed, [Alternative(number + unit)] + [Alternative(f"{number} {word}") for word in spelled]))
    elif not suffix and not sign and len(number.replace(",", "").split(".")[0]) >= 4:
        # 12,500 and 12500: the index keeps each as one word.
        whole, _, decimals = number.replace(",", "").partition(".")
        forms = {f"{int(whole):,}" + (f".{decimals}" if decimals else ""), number.replace(",", "")}
        return [Part(typed, [Alternative(form) for form in sorted(forms, reverse=True)])], end
    else:
        return None
    return parts, end


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
