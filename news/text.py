"""Text that can go into every format Newsroom publishes: HTML, RSS, sitemaps, JSON.

XML 1.0 has no way to write most control characters (NUL, vertical tab, form feed…), so a headline
holding one made Django's feed writer raise and the news sitemap come out malformed. They carry no
meaning in news copy (they arrive by pasting from other programs, or in imports): they are removed
on save and import, and once more on output for anything stored before.
"""

import re

# C0 controls except tab, newline and carriage return; DEL and the C1 controls; lone surrogates
# (a JSON import can hold them, no database or encoder takes them); U+FFFE and U+FFFF.
_UNPUBLISHABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def publishable(text):
    """`text` without the characters no published format can carry."""
    return _UNPUBLISHABLE.sub("", text) if text else text
