"""Preview modes: how a draft will look to readers, in our own search results, in a web search
engine's results and as a social card, before it is published.

Wagtail's preview panel lists a page's `preview_modes` and already switches between mobile, tablet
and desktop sizes; the modes here add what the page will look like *elsewhere*. The search and
social modes read the same sources the live site does (the search result fields of search/query.py
and the og: tags that templates/components/meta.html renders), so the preview cannot drift from
what is published.

`draft_response_headers(response)` is the one place that marks a response showing a draft as
never to be cached or indexed; share links use it too.
"""

import re
from html.parser import HTMLParser

from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.text import Truncator

from core.site import site_name as site_name_for

# Where search engines and social cards cut text off (approximate, as their guides give it).
TITLE_TAG_MAX = 60
META_DESCRIPTION_MAX = 160
CARD_TITLE_MAX = 70
CARD_DESCRIPTION_MAX = 200
# As the reader search's body highlight (search/query.py: fragment_size 180).
SNIPPET_LENGTH = 180

PREVIEW_MODES = [("", "As readers see it"), ("search", "Search result"), ("social", "Social card")]
PREVIEW_TEMPLATES = {"search": "previews/search.html", "social": "previews/social.html"}


def draft_response_headers(response):
    """Mark a response that shows a draft: never stored by a browser, proxy or CDN
    (Cache-Control: no-store, private, ...), never indexed or followed by a search engine."""
    add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class _MetaTags(HTMLParser):
    """The <meta property|name=... content=...> pairs of a fragment of HTML."""

    def __init__(self):
        super().__init__()
        self.tags = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        key = attrs.get("property") or attrs.get("name")
        if tag == "meta" and key and key not in self.tags:
            self.tags[key] = attrs.get("content", "")


def meta_tags(page, request, site_name):
    """What the live page's <head> will say: the meta and og: tags rendered by the very template
    the reader pages include."""
    html = render_to_string("components/meta.html", {"page": page, "site_name": site_name}, request=request)
    parser = _MetaTags()
    parser.feed(html)
    return parser.tags


def _length_check(text, limit, what):
    length = len(text)
    warning = ""
    if not text:
        warning = f"There is no {what}: search engines and social sites will make up their own."
    elif length > limit:
        warning = f"The {what} is {length} characters; only about the first {limit} are shown."
    return {"text": text, "length": length, "limit": limit, "warning": warning,
            "shown": Truncator(text).chars(limit)}


def snippet_for(page):
    """The snippet a search result shows when there is no query to highlight: the standfirst, or
    else the start of the body text."""
    standfirst = getattr(page, "standfirst", "") or getattr(page, "intro", "")
    if standfirst:
        return standfirst
    body = getattr(page, "body_plain", "") or (page.body_text() if hasattr(page, "body_text") else "")
    return Truncator(re.sub(r"\s+", " ", body).strip()).chars(SNIPPET_LENGTH)


def search_preview(page, request):
    site_name = site_name_for(request)
    tags = meta_tags(page, request, site_name)
    # As templates/base.html's <title>.
    title_tag = f"{page.seo_title or page.title} | {site_name}"
    section = getattr(page, "section", None)
    hit = None
    if hasattr(page, "standfirst"):  # articles are what the reader search finds
        hit = {
            "title": page.title,
            "section": section.title if section is not None and hasattr(section, "intro") else "",
            "published_date": page.display_date,
            "authors": [author.name for author in page.authors],
            "snippet": snippet_for(page),
        }
    return {
        "hit": hit,
        "url": tags.get("og:url") or _page_url(page, request),
        "title_tag": _length_check(title_tag, TITLE_TAG_MAX, "title"),
        "description": _length_check(tags.get("description", ""), META_DESCRIPTION_MAX, "meta description"),
    }


def social_preview(page, request):
    site_name = site_name_for(request)
    tags = meta_tags(page, request, site_name)
    title = _length_check(tags.get("og:title", ""), CARD_TITLE_MAX, "title")
    if title["warning"]:
        title["warning"] = (f"The headline is {title['length']} characters; social cards show about "
                            f"{CARD_TITLE_MAX}, so readers will see it cut short.")
    return {
        "site_name": tags.get("og:site_name", site_name),
        "url": tags.get("og:url") or _page_url(page, request),
        "title": title,
        "description": _length_check(tags.get("og:description", ""), CARD_DESCRIPTION_MAX, "description"),
        "image": tags.get("og:image", ""),
        "image_alt": tags.get("og:image:alt", ""),
        "image_width": tags.get("og:image:width", ""),
        "image_height": tags.get("og:image:height", ""),
        "card_type": tags.get("twitter:card", ""),
        "has_image_fields": hasattr(page, "share_image"),
    }


def _page_url(page, request):
    return (page.get_full_url(request) if page.pk else "") or request.build_absolute_uri("/")


def draft_status(page):
    """Which version the preview shows against the live one, for the bar at the top of a preview."""
    return {
        "live": page.live,
        "published_at": page.last_published_at,
        "unpublished_changes": page.has_unpublished_changes,
    }


class PreviewModesMixin:
    """Preview modes for a reader-facing page: "" (the normal template), "search" and "social"."""

    preview_modes = PREVIEW_MODES

    def get_preview_template(self, request, mode_name):
        return PREVIEW_TEMPLATES.get(mode_name) or super().get_preview_template(request, mode_name)

    def get_preview_context(self, request, mode_name):
        if mode_name not in PREVIEW_TEMPLATES:
            return super().get_preview_context(request, mode_name)
        context = {"page": self, "self": self, "request": request, "preview_mode": mode_name,
                   "preview_label": dict(self.preview_modes)[mode_name], "draft_status": draft_status(self)}
        context[mode_name] = (search_preview if mode_name == "search" else social_preview)(self, request)
        return context

    def serve_preview(self, request, mode_name):
        if mode_name in PREVIEW_TEMPLATES:
            # Page types with routes (sections) would otherwise serve only their default view here.
            response = TemplateResponse(request, self.get_preview_template(request, mode_name),
                                        self.get_preview_context(request, mode_name))
        else:
            response = super().serve_preview(request, mode_name)
        return draft_response_headers(response)
