"""The site's name: one rule for every surface (page titles, JSON-LD, feeds, the news sitemap, social
previews): what editors set in Settings → Site settings, else NEWSROOM_SITE_NAME."""

from django.conf import settings

from .versions import until_next_purge


def site_name(request=None, site=None):
    """Read on every page: this process keeps what editors set per site until the next whole-site
    purge, which saving Site settings makes (pagecache.signals), instead of a query per request."""
    from wagtail.models import Site

    from .models import SiteSettings

    if site is None:
        site = Site.find_for_request(request) if request is not None else None
        if site is None:
            return SiteSettings.for_request(request).site_name or settings.WAGTAIL_SITE_NAME
    names = until_next_purge("site-names", dict)  # site id -> the name editors set ("" for none)
    if site.pk not in names:
        names[site.pk] = SiteSettings.for_site(site).site_name
    return names[site.pk] or settings.WAGTAIL_SITE_NAME
