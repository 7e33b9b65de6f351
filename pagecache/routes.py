"""The page an address routes to, for anonymous readers, kept under the page cache's version tokens.

Finding an article by its address is one query, but building it (an article row joins Wagtail's page
row: ~60 columns) took ~1.5 ms of CPU, a third of a rendered article (cProfile, make bench's
"rendered" pages). Which live page an address shows changes only through changes that purge that
address or the whole site — publishing (its own path), unpublishing, moving, deleting a live page, a
new slug (everywhere) — so the row is kept under the key parts of the page's own fragments (site and
path versions, next expiry: fragment_tags.fragment_key) and rebuilt with Model.from_db.

Only for requests the page cache would serve (no session, no Authorization): a draft save changes the
draft fields of the row (draft title, latest revision) without a purge, so editors always get the row
from the database. serve() still checks the publication window against the clock, and Wagtail the
view restrictions, on every request.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import router
from wagtail.fields import StreamField

from . import store
from .middleware import cacheable_request


def _key(request, url_path):
    if settings.FRAGMENT_CACHE_SECONDS <= 0 or not cacheable_request(request):
        return None
    try:
        site_version, path_version, expiry = store.request_versions(request)
    except Exception:  # the page cache's store is unreachable: ask the database
        return None
    parts = [site_version, path_version, f"{expiry:.0f}", url_path]
    return "route:" + hashlib.sha1("|".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def cached_page(request, url_path, models):
    """The live page of one of `models` at url_path as remembered, or None (ask the database)."""
    key = _key(request, url_path)
    held = cache.get(key) if key else None
    if held is None:
        return None
    label, values = held
    model = next((model for model in models if model._meta.label == label), None)
    fields = model._meta.concrete_fields if model else ()
    if len(fields) != len(values):  # a deploy changed the model since: ask the database
        return None
    values = [field.to_python(value) if isinstance(field, StreamField) else value
              for field, value in zip(fields, values, strict=True)]
    return model.from_db(router.db_for_read(model), [field.attname for field in fields], values)


def remember_page(request, url_path, page):
    key = _key(request, url_path)
    if key:
        # A StreamField as its stored JSON: turned back into blocks lazily, only if the body renders.
        values = tuple(field.get_prep_value(getattr(page, field.attname)) if isinstance(field, StreamField)
                       else getattr(page, field.attname) for field in page._meta.concrete_fields)
        cache.set(key, (page._meta.label, values), settings.FRAGMENT_CACHE_SECONDS)
