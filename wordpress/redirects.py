"""The old site's addresses → Wagtail redirects (wagtail.contrib.redirects) to the new pages, on the
default site, so links and search engines keep finding the stories.

Whatever permalink structure the old site used, each post's own <link> is its address there; the
others are WordPress's fixed ones: ?p=ID, attachment pages, /category/…/, /tag/…/, /author/…/ and
the feeds. Only what readers may see gets a redirect — a redirect to a draft would give its address
(its headline) away.

Wagtail looks for a redirect only when a request would otherwise be a 404, and the old site's
"/?p=123" is the home page's address: wordpress.middleware answers those. An address Newsroom itself
answers (its own /feed/, a page whose URL happens to be the old one) gets no redirect; an address
that already redirects somewhere else (an editor's redirect) is left alone. Both are reported.
"""

from collections import Counter
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from django.db.models import Q
from django.urls import Resolver404, resolve
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

# WordPress's query-string addresses (/?p=123, /?cat=4 …): other parameters (utm_source …) are dropped.
QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author", "feed")
MAX_PATH = Redirect._meta.get_field("old_path").max_length


def normalise(address):
    """The old address as Wagtail stores redirects: path and WordPress's own query only."""
    parts = urlsplit(address)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k in QUERY_KEYS])
    return Redirect.normalise_path((parts.path or "/") + (f"?{query}" if query else ""))


class Redirects:
    def __init__(self, site):
        self.site = site
        self.wanted = {}  # old path -> (page id, link, the path as requested)
        self.counts = Counter()
        self.problems = []  # (old path, why no redirect)

    def add(self, address, page_id=None, link=""):
        if not address:
            return
        old_path = normalise(address)
        if old_path == "/":
            return
        if len(old_path) > MAX_PATH:
            self.problems.append((old_path[:80] + "…", f"longer than {MAX_PATH} characters"))
            return
        self.wanted[old_path] = (page_id, link, urlsplit(address).path or "/")

    def apply(self):
        own = self._newsroom_paths()
        wanted = {}
        for old_path, (page_id, link, _path) in self.wanted.items():
            if old_path in own:
                self.counts["not made"] += 1
                self.problems.append((old_path, "Newsroom answers this address itself"))
            else:
                wanted[old_path] = (page_id, link)
        paths = list(wanted)
        new = []
        for start in range(0, len(paths), 500):
            chunk = paths[start:start + 500]
            existing = {r.old_path: r for r in Redirect.objects.filter(old_path__in=chunk).filter(
                Q(site=self.site) | Q(site__isnull=True))}
            for old_path in chunk:
                page_id, link = wanted[old_path]
                redirect = existing.get(old_path)
                if redirect is None:
                    new.append(Redirect(old_path=old_path, site=self.site, is_permanent=True,
                                        redirect_page_id=page_id, redirect_link=link))
                elif (redirect.redirect_page_id, redirect.redirect_link or "") == (page_id, link):
                    self.counts["unchanged"] += 1
                else:
                    self.counts["kept"] += 1
                    self.problems.append((old_path, "an existing redirect sends it elsewhere (left as it is)"))
        Redirect.objects.bulk_create(new, batch_size=500)
        self.counts["created"] += len(new)
        return self.counts

    def _newsroom_paths(self):
        """The wanted paths that Newsroom answers itself: a page of the default site, or one of its
        own routes (/feed/, /search/ …). Paths with a query are WordPress's own (the middleware's)."""
        root = self.site.root_page
        page_routes = {}  # url_path -> old path
        own = set()
        for old_path, (_page_id, link, path) in self.wanted.items():
            if "?" in old_path:
                continue
            path = unquote(path if path.endswith("/") else path + "/")
            if link and Redirect.normalise_path(link) == old_path:
                own.add(old_path)
                continue
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.url_name == "wagtail_serve":
                page_routes[root.url_path + path.lstrip("/")] = old_path
            elif match.url_name == "section_feed":
                page_routes[root.url_path + match.kwargs["section_path"].lstrip("/")] = old_path
            else:
                own.add(old_path)
        routes = list(page_routes)
        for start in range(0, len(routes), 500):
            found = Page.objects.filter(url_path__in=routes[start:start + 500]).values_list("url_path", flat=True)
            own.update(page_routes[url_path] for url_path in found)
        return own
