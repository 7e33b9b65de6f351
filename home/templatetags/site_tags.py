"""Site-wide parts of every page: navigation and the What's Hot ticker."""

from django import template
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Site

from core.models import SiteSettings
from home.models import HomePage, navigation_sections

register = template.Library()


def _site(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site or Site.objects.filter(is_default_site=True).first()


def _once_per_request(context, name, compute):
    """Header and footer both need these: compute them once per request."""
    request = context.get("request")
    cache = getattr(request, "_newsroom_site_parts", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._newsroom_site_parts = cache
    if name not in cache:
        cache[name] = compute(context)
    return cache[name]


@register.simple_tag(takes_context=True)
def site_home(context):
    """The site's home page."""
    return _once_per_request(context, "home", _home)


def _home(context):
    site = _site(context)
    return HomePage.objects.filter(pk=site.root_page_id).first() if site else None


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """Top-level sections in the editors' order, each with `.subsections` (live, public)."""
    return _once_per_request(context, "navigation", _navigation)


def _navigation(context):
    from news.models import SectionPage

    site = _site(context)
    if site is None:
        return []
    sections = navigation_sections(SiteSettings.for_site(site))
    if not sections:
        return []
    direct_children = Q()
    for section in sections:
        direct_children |= Q(path__startswith=section.path, depth=section.depth + 1)
    children = SectionPage.objects.visible().filter(direct_children)
    by_parent = {}
    for child in children.order_by("path"):
        by_parent.setdefault(child.path[: -SectionPage.steplen], []).append(child)
    for section in sections:
        section.subsections = by_parent.get(section.path, [])
    return sections


@register.simple_tag(takes_context=True)
def whats_hot(context):
    """The ticker: on the home page without the stories its front page already shows."""
    home = site_home(context)
    if home is None:
        return []
    page = context.get("page")
    return home.front_page()["whats_hot"] if getattr(page, "pk", None) == home.pk else home.whats_hot()


@register.simple_tag(takes_context=True)
def chrome_cache_key(context, part):
    """The key under which this page's header or footer may be taken from the fragment cache, or ""
    when it must be rendered (the cache unreachable).

    They are the same on nearly every page and their content — navigation, What's Hot, settings —
    only changes through edits that purge the whole page cache, or when an article's expiry time
    comes, so the key carries the site version (core.versions) and the next expiry time
    (pagecache.store): either changing makes every cached header and footer unreachable.
    The rest of the key is what differs between pages: the site, the day (the header shows the date)
    and, for the home page and sections, the page (the navigation marks it as current). Previews
    render them afresh."""
    from pagecache import store

    request = context.get("request")
    if request is None or getattr(request, "is_preview", False):
        return ""
    try:
        # After the next scheduled expiry the key changes too: the ticker must drop that article then.
        site_version, _, expiry = store.request_versions(request)
        version = f"{site_version}|{expiry:.0f}"
    except Exception:  # the cache is down: render it
        return ""
    from news.models import SectionPage

    page = context.get("page")
    # Only the home page and sections can be the navigation's current item (aria-current).
    current = page.pk if part == "header" and isinstance(page, HomePage | SectionPage) else ""
    return f"{version}|{request.get_host()}|{timezone.localdate().isoformat()}|{current}"


SIDEBAR_TRENDING = 5


@register.simple_tag(takes_context=True)
def reader_sidebar(context):
    """Editors' Picks, Latest Posts and Top Trending: the sidebar beside articles, sections, authors,
    tags and search results. The same on every page, so its HTML is cached like the header's
    (components/sidebar.html); Top Trending is fetched afresh by site.js on cached pages."""
    from news.listing import cards
    from trending.queries import top_trending

    home = site_home(context)
    if home is None:
        return None
    picks = home.editors_picks_articles()
    latest = list(home.sidebar_latest())
    ready = {a.pk: a for a in cards([*picks, *latest])}
    return {"editors_picks": [ready[a.pk] for a in picks if a.pk in ready],
            "latest": [ready[a.pk] for a in latest if a.pk in ready],
            "trending": top_trending(limit=SIDEBAR_TRENDING)}
