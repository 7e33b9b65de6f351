"""What the public index stores for an article, and which articles it may store.

Only articles a reader may see are ever turned into documents (live, public, unexpired — the same
rule as every public listing, ArticlePage.objects.visible() from core.visibility). The public index
therefore cannot leak a draft by a forgotten filter at query time: drafts are never in it.
"""

import hashlib
import json
import re

from django.db.models import Prefetch

from news.models import ArticleAuthor, ArticlePage, SectionPage, sections_above


def public_articles():
    """Every article that belongs in the public index, with what its document needs prefetched."""
    # The StreamField body is never read here (its plain text is body_plain): not loading and
    # parsing it doubles the rate documents are built at (make bench).
    return ArticlePage.objects.visible(exact=True).defer("body").prefetch_related(
        Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author")),
        "tags",
    )


def section_index():
    """{tree path: section} for every section: a small table, read once per batch."""
    return {s.path: s for s in SectionPage.objects.only("path", "title", "slug", "url_path", "depth")}


# Highlighting marks matches with these two private-use characters, which the results page turns
# into <mark> after escaping everything else; they must never come from the content itself.
HIGHLIGHT_START, HIGHLIGHT_END = "\ue000", "\ue001"
_NO_MARKERS = str.maketrans("", "", HIGHLIGHT_START + HIGHLIGHT_END)


def clean(text):
    return (text or "").translate(_NO_MARKERS)


# Words that begin with a capital, as written (WHO, US, Fed, NHS, G7, A&E, MPs → MP, U.S. → US,
# Britain's → Britain), so a reader's "WHO" finds the organisation and not every "who", and "Fed"
# the central bank rather than the verb (search/synonyms.py).
_WORD = re.compile(r"[A-Za-z0-9&][\w&'’.-]*")


def capitalised(text):
    found = []
    for match in _WORD.finditer(text or ""):
        word = match.group().rstrip(".-'’")
        if not word[:1].isupper():
            continue
        word = re.sub(r"['’]s$", "", word)
        if "." in word and re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?", word + "."):
            word = word.replace(".", "")  # U.S. → US
        if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
            word = word[:-1]  # MPs → MP
        found.append(word)
    return " ".join(found)


def document(article, sections):
    """The OpenSearch document for a live, public article."""
    ancestors = sections_above(article.path, sections)
    section_paths = ["/".join(s.slug for s in ancestors[: n + 1]) for n in range(len(ancestors))]
    authors = [link.author for link in article.article_authors.all()]
    tags = list(article.tags.all())
    doc = {
        "id": article.pk,
        "title": clean(article.title),
        "standfirst": clean(article.standfirst),
        "body": clean(article.body_plain),
        "title_capitalised": capitalised(article.title),
        "capitalised": capitalised(f"{article.standfirst} {article.body_plain}"),
        "section": ancestors[-1].title if ancestors else "",
        "section_paths": section_paths,
        "authors": [a.name for a in authors],
        "author_slugs": [a.slug for a in authors],
        "tags": [t.name for t in tags],
        "tag_slugs": [t.slug for t in tags],
        "published_date": article.published_date.isoformat() if article.published_date else None,
        # Kept so queries can drop an article in the seconds between its expiry and the scheduler
        # unpublishing it (which removes the document).
        "expire_at": article.expire_at.isoformat() if article.expire_at else None,
        "url": article.get_url(),
        "suggest": clean(article.title),
        "did_you_mean": clean(f"{article.title} {article.standfirst}"),
    }
    doc["fingerprint"] = fingerprint(doc)
    return doc


def fingerprint(doc):
    """A hash of the document's content: the drift check compares it to spot stale documents."""
    content = {key: value for key, value in doc.items() if key != "fingerprint"}
    return hashlib.sha1(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
