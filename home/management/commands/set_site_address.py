"""Point the default Wagtail Site at the address the site is served at.

Every absolute link Newsroom writes — canonical and Open Graph URLs, share links, RSS, sitemaps,
robots.txt, the admin's search-engine preview — is made from the Wagtail Site's hostname and port.
The first migration creates it as localhost:80, which is right for no one: `make run` and
`make serve` call this with their own address, and a deployment runs it once with its public one
(WAGTAILADMIN_BASE_URL, the same address Wagtail puts in its notification e-mails).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site


class Command(BaseCommand):
    help = "Set the default Wagtail Site's hostname and port from a URL (default: WAGTAILADMIN_BASE_URL)."

    def add_arguments(self, parser):
        parser.add_argument("url", nargs="?", help="e.g. https://news.example.com or http://127.0.0.1:8000")

    def handle(self, url, **options):
        url = url or settings.WAGTAILADMIN_BASE_URL
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommandError(f"not an http(s) address: {url!r}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise CommandError(f"bad port in {url!r}") from error
        if parts.scheme == "https" and port != 443 or parts.scheme == "http" and port == 443:
            # Wagtail's Site.root_url writes https:// only for port 443.
            raise CommandError(f"Wagtail serves https only on port 443, http on any other: {url!r}")
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("there is no default site (run migrate first)")
        if (site.hostname, site.port) != (parts.hostname, port):
            site.hostname, site.port = parts.hostname, port
            site.save()  # Wagtail clears its cached site root paths on save
            self.stdout.write(f"Links now point to {site.root_url}")
