"""The site's name: one rule for every surface (page titles, JSON-LD, feeds, the news sitemap, social
previews): what editors set in Settings → Site settings, else NEWSROOM_SITE_NAME."""

from django.conf import settings


def site_name(request=None, site=None):
    from .models import SiteSettings

    site_settings = SiteSettings.for_site(site) if site is not None else SiteSettings.for_request(request)
    return site_settings.site_name or settings.WAGTAIL_SITE_NAME
