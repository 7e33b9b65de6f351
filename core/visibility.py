"""What readers may see, one rule for every surface: listings, feeds, sitemaps, search, related posts,
the home page's blocks. A page is visible when it is live, not at or below a view-restricted page, and
in its publication window (past its go-live time and before its expiry).

Page models use `ReaderPageManager` (`SectionPage.objects.visible()`); any other page queryset goes
through the functions of the same names (`visible(Page.objects.child_of(home))`).
"""

from django.utils import timezone
from wagtail.models import PageManager, PageQuerySet

from .versions import until_next_purge

RESTRICTIONS = "view-restrictions"  # the name of this process's copy (core.versions.until_next_purge)


def restricted_paths():
    """(path, depth) of every page with a view restriction. Read on nearly every page, several times:
    kept until the next whole-site purge, which every view-restriction change, move and delete of a
    page makes (pagecache.signals), instead of the query Wagtail's public() runs on each use."""
    from wagtail.models import PageViewRestriction

    return until_next_purge(RESTRICTIONS, lambda: list(
        PageViewRestriction.objects.values_list("page__path", "page__depth")))


def in_publication_window(pages):
    """Drop pages whose time is not now: past their expiry (the scheduler unpublishes them up to 30 s
    late; readers never see them in that gap) or with a go-live time still ahead (only writes around
    Wagtail's publish action make such a live row)."""
    now = timezone.now()
    return pages.exclude(expire_at__lte=now).exclude(go_live_at__gt=now)


def unrestricted(pages):
    """Wagtail's PageQuerySet.public() from this process's copy of the view restrictions: no page at
    or below a view-restricted page."""
    from django.db.models import Q

    private = Q()
    for tree_path, depth in restricted_paths():
        private |= Q(path__startswith=tree_path, depth__gte=depth)
    return pages.exclude(private) if private else pages


def public(pages):
    """Wagtail's PageQuerySet.public() — no page at or below a view-restricted page — as one query:
    Wagtail reads the restrictions first, then builds a condition from them (a query and ~1 ms of
    CPU on every search results page); here the database checks them in a NOT EXISTS subquery."""
    from django.db.models import Exists, F, OuterRef
    from django.db.models.lookups import StartsWith
    from wagtail.models import PageViewRestriction

    restricting = PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path")),
                                                     page__depth__lte=OuterRef("depth"))
    return pages.exclude(Exists(restricting))


def visible(pages, exact=False):
    """The pages readers may see. exact=True asks the database for the view restrictions instead of
    this process's copy: for the search index and its read-time check, where another process's change
    must be seen at once, not when the purge that follows it arrives."""
    pages = pages.live()
    return in_publication_window(public(pages) if exact else unrestricted(pages))


class ReaderPageQuerySet(PageQuerySet):
    def in_publication_window(self):
        return in_publication_window(self)

    def visible(self, exact=False):
        return visible(self, exact=exact)


ReaderPageManager = PageManager.from_queryset(ReaderPageQuerySet)


class ViewRestrictionsMixin:
    """For page models: Wagtail checks a page's view restrictions before serving it, with two queries
    (the page's ancestors and aliases, then their restrictions). Which restrictions apply to a page
    changes only when a restriction is added, changed or removed, or a page is moved — each of which
    purges the whole site — so this process keeps Wagtail's answer (the restrictions' ids) per page
    until the next whole-site purge. A page under none, most pages, then costs no query at all."""

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        if self.pk is None:  # a new page's preview
            return super().get_view_restrictions()
        known = until_next_purge("page-view-restrictions", dict)  # page id -> restriction ids
        if self.pk not in known:
            known[self.pk] = list(super().get_view_restrictions().values_list("pk", flat=True))
        ids = known[self.pk]
        if ids:
            return PageViewRestriction.objects.filter(pk__in=ids)
        # Most pages: none. Iterating none() still builds the SQL before giving up (~0.1 ms a page);
        # this one is already evaluated, and any further queryset call (the admin's) clones it.
        restrictions = PageViewRestriction.objects.none()
        restrictions._result_cache = []
        return restrictions
