"""Site-wide parts of every page: navigation and the What's Hot ticker."""

from django import template
from django.db.models import Q
from wagtail.models import Site

from home.models import HomePage, SiteSettings

register = template.Library()


def _site(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site or Site.objects.filter(is_default_site=True).first()


@register.simple_tag(takes_context=True)
def site_home(context):
    """The site's home page (cached on the request: several parts of a page need it)."""
    request = context.get("request")
    cached = getattr(request, "_newsroom_home", None)
    if cached is None:
        site = _site(context)
        cached = HomePage.objects.filter(pk=site.root_page_id).first() if site else None
        if request is not None:
            request._newsroom_home = cached
    return cached


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """Top-level sections in the editors' order, each with `.subsections` (live, public)."""
    from news.models import SectionPage

    site = _site(context)
    if site is None:
        return []
    sections = SiteSettings.for_site(site).navigation_sections()
    if not sections:
        return []
    direct_children = Q()
    for section in sections:
        direct_children |= Q(path__startswith=section.path, depth=section.depth + 1)
    children = SectionPage.objects.live().public().filter(direct_children)
    by_parent = {}
    for child in children.order_by("path"):
        by_parent.setdefault(child.path[: -SectionPage.steplen], []).append(child)
    for section in sections:
        section.subsections = by_parent.get(section.path, [])
    return sections


@register.simple_tag(takes_context=True)
def whats_hot(context):
    home = site_home(context)
    return home.whats_hot() if home else []
