"""{% fragment "main" %}…{% endfragment %}: a part of a page kept in the cache under the page cache's
own version tokens, so every purge that would drop the page drops the fragment too.

Why not Django's {% cache %}: its key cannot be left out, and a fragment must be rendered afresh in a
preview or a draft link (the page's unpublished state), when the cache is unreachable, and when
FRAGMENT_CACHE_SECONDS is 0. The key is built the way the page cache builds a page's key (store.key_for):
the site version, the path version, the host, the path and the query string (tracking parameters
left out), and also the next scheduled expiry (an expired article must leave every listing when its
time comes, before the scheduler unpublishes it) and the page's last publication.

A fragment must not hold anything written for one reader (a CSRF token, a form's errors); what it
holds may be served to any reader who can see the page — view restrictions are checked before a page
renders, so a private page's fragment reaches only readers allowed to see it.
"""

import hashlib
import logging

from django import template
from django.conf import settings
from django.core.cache import cache

from .. import store

logger = logging.getLogger(__name__)
register = template.Library()


def fragment_key(context, name):
    """The cache key of this fragment, or None when it must be rendered."""
    request, page = context.get("request"), context.get("page")
    # Wagtail pages only: their addresses are what purges name. (A search results page's query string
    # would make a fragment per query anyone cares to type.)
    if (request is None or getattr(page, "pk", None) is None or request.method not in ("GET", "HEAD")
            or getattr(request, "is_preview", False) or context.get("draft_preview")
            or settings.FRAGMENT_CACHE_SECONDS <= 0):
        return None
    try:
        site_version, path_version, expiry = store.request_versions(request)
    except Exception:  # the page cache's store is unreachable: render
        logger.warning("fragment cache versions unavailable; rendering %s", request.path, exc_info=True)
        return None
    parts = [site_version, path_version, f"{expiry:.0f}", request.get_host(), request.path,
             store.cache_query(request.GET), name,
             str(page.pk), str(getattr(page, "last_published_at", ""))]
    return "fragment:" + hashlib.sha1("|".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class FragmentNode(template.Node):
    def __init__(self, name, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        key = fragment_key(context, self.name.resolve(context))
        if key is None:
            return self.nodelist.render(context)
        # The default cache ignores its own errors (a miss); a render is the answer then.
        content = cache.get(key)
        if content is None:
            content = self.nodelist.render(context)
            cache.set(key, content, settings.FRAGMENT_CACHE_SECONDS)
        return content


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('usage: {% fragment "name" %}…{% endfragment %}')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(parser.compile_filter(bits[1]), nodelist)
