"""Meta tags every page needs: description, canonical URL, absolute URLs and JSON-LD."""

import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# As Django's json_script: keep a JSON blob from closing its <script> element early.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def meta_description(context):
    page = context.get("page")
    if page is None:
        return context.get("meta_description", "")
    return page.search_description or getattr(page, "standfirst", "") or getattr(page, "intro", "")


@register.simple_tag(takes_context=True)
def canonical_url(context):
    if "canonical_url" in context:
        return context["canonical_url"]
    page, request = context.get("page"), context.get("request")
    if page is not None and getattr(page, "pk", None):
        return page.get_full_url(request)
    return request.build_absolute_uri(request.path) if request else ""


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    request = context.get("request")
    return request.build_absolute_uri(url) if request and url.startswith("/") else url


@register.simple_tag(takes_context=True)
def structured_data(context, page):
    builder = getattr(page, "structured_data", None)
    # site_name: what base.html shows in the title (Site settings), passed to components/meta.html.
    return builder(context.get("request"), publisher=context.get("site_name")) if builder else None


@register.filter
def ld_json(data):
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))
