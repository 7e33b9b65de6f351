"""Comment text as readers see it: every character escaped, no HTML, paragraphs from blank lines, and
web addresses linked with rel="nofollow ugc".

Django's urlize escapes and links but only knows rel="nofollow" (nothing installed — no bleach, no
nh3 — adds "ugc"), so this is its Urlizer with that one attribute changed."""

import re

from django.utils.html import Urlizer, escape, format_html_join
from django.utils.safestring import mark_safe

LINK_PATTERN = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|net|org|info|biz|ru|xyz|top|io|co)\b", re.IGNORECASE)


class UgcUrlizer(Urlizer):
    url_template = '<a href="{href}" rel="nofollow ugc">{url}</a>'
    # Addresses are not turned into mailto: links (a spammer's address would be one click away).
    mailto_template = None

    def handle_word(self, word, **kwargs):
        if "@" in word and "://" not in word and not word.lower().startswith("www."):
            return escape(word)
        kwargs["nofollow"] = False  # the template above carries rel
        return super().handle_word(word, **kwargs)


urlize_ugc = UgcUrlizer()


def render_comment_text(text):
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if part.strip()]
    return format_html_join(
        "", "<p>{}</p>",
        ((mark_safe(urlize_ugc(part, trim_url_limit=60, autoescape=True).replace("\n", "<br>")),)
         for part in paragraphs))


def count_links(text):
    """Web addresses in the text: words that hold one (a word with two counts once)."""
    return sum(1 for word in (text or "").split() if LINK_PATTERN.search(word))
