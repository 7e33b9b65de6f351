"""Feeds and discovery: RSS (site-wide and per section), sitemap.xml, a Google News sitemap and
robots.txt. (Being written.)"""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


site_feed = sitemap = news_sitemap = robots_txt = section_feed = _todo
