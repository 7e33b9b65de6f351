"""Every tag gets a slug its page can be reached at.

taggit slugifies a tag's name (ASCII, TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING), which leaves nothing of
an emoji or "!!!": an empty slug cannot be put in /tags/<slug>/, so every page linking to the tag —
the article, its section, the admin's publish and delete paths — failed. A name that slugifies to
nothing gets "tag-" and a short hash of the name instead: stable, distinct per name, readable enough.
"""

import hashlib
import re


def fallback_slug(name):
    return "tag-" + hashlib.sha256(name.encode()).hexdigest()[:10]


def is_usable(slug):
    """A letter or digit besides taggit's "_2" numbering of duplicates (which makes "" into "_1")."""
    return bool(re.search(r"[^\W_]", re.sub(r"_\d+$", "", slug or "")))


def give_every_tag_a_usable_slug(sender, instance, **kwargs):
    """pre_save of taggit's Tag, after taggit has slugified the name."""
    if not is_usable(instance.slug):
        instance.slug = fallback_slug(instance.name)
