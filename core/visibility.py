"""What readers may see, one rule for every surface: listings, feeds, sitemaps, search, related posts,
the home page's blocks. A page is visible when it is live, not at or below a view-restricted page, and
in its publication window (past its go-live time and before its expiry).

Page models use `ReaderPageManager` (`SectionPage.objects.visible()`); any other page queryset goes
through the functions of the same names (`visible(Page.objects.child_of(home))`).
"""

from django.db import DEFAULT_DB_ALIAS, connections
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


def in_publication_window(pages, now=None):
    """Drop pages whose time is not now: past their expiry (the scheduler unpublishes them up to 30 s
    late; readers never see them in that gap) or with a go-live time still ahead (only writes around
    Wagtail's publish action make such a live row)."""
    now = now or timezone.now()
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


def visible(pages, exact=False, now=None):
    """The pages readers may see. exact=True asks the database for the view restrictions instead of
    this process's copy: for the search index and its read-time check, where another process's change
    must be seen at once, not when the purge that follows it arrives."""
    pages = pages.live()
    return in_publication_window(public(pages) if exact else unrestricted(pages), now)


# visible_ids(): the SQL of the exact check, per (model, number of ids, database), and where the time
# and each id go in its parameters. False: this rule could not be compiled ahead (see _compile).
_compiled = {}


def visible_ids(model, ids, using=DEFAULT_DB_ALIAS):
    """The ids among these of pages readers may see now: visible(exact=True), for search results (the
    database's view restrictions, not this process's copy).

    The same question comes with every results page, the suggestions and the API, differing only in
    the time and the ids; building the queryset and compiling it cost ~0.9 ms of CPU of the ~1 ms
    check. So the SQL is compiled once per process and number of ids, from the rule itself, and run
    with this request's time and ids in their places; whenever the rule cannot be compiled that way,
    the queryset is evaluated as before."""
    ids = sorted({int(pk) for pk in ids})
    if not ids:
        return set()
    key = (model, len(ids), using)
    compiled = _compiled.get(key)
    if compiled is None:
        compiled = _compiled[key] = _compile(model, len(ids), using)
    now = timezone.now()
    if compiled is False:
        return set(_ids_query(model, ids, now).using(using).values_list("pk", flat=True))
    sql, params = compiled
    adapt = model._meta.get_field("expire_at").get_db_prep_value
    connection = connections[using]
    values = [adapt(now, connection) if place == "now" else ids[place] if isinstance(place, int) else place[1]
              for place in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return {row[0] for row in cursor.fetchall()}


def _ids_query(model, ids, now):
    # No ORDER BY (a page queryset sorts by tree path): the caller wants a set.
    return visible(model._default_manager.filter(pk__in=ids), exact=True, now=now).order_by()


def _compile(model, count, using):
    """(sql, [where each parameter comes from: "now", the index of an id, or ("value", a constant)]),
    or False. Compiled twice, with different stand-ins for the time and the ids: the SQL must be the
    same, and every parameter either a stand-in in both (the time or the same id) or the same constant
    in both. Anything else — a time the rule reads itself, a parameter that depends on the ids in
    another way — and the rule is not compiled ahead."""
    from datetime import UTC, datetime

    connection = connections[using]
    adapt = model._meta.get_field("expire_at").get_db_prep_value
    runs = []
    for year, base in ((1971, -1_000_000_000), (1972, -2_000_000_000)):
        now = datetime(year, 1, 1, 0, 0, 0, 123457, tzinfo=UTC)
        fake = [base - i for i in range(count)]
        query = _ids_query(model, fake, now).values_list("pk", flat=True).query
        sql, params = query.get_compiler(using=using).as_sql()
        runs.append((sql, list(params), adapt(now, connection), fake))
    (sql, first, now_1, fake_1), (sql_2, second, now_2, fake_2) = runs
    if sql != sql_2 or len(first) != len(second):
        return False
    places, seen = [], set()
    for a, b in zip(first, second, strict=True):
        if a == now_1 and b == now_2:
            places.append("now")
        elif a in fake_1 and b in fake_2 and fake_1.index(a) == fake_2.index(b):
            places.append(fake_1.index(a))
            seen.add(fake_1.index(a))
        elif a == b and a != now_1 and a not in fake_1:
            places.append(("value", a))
        else:
            return False
    if "now" not in places or seen != set(range(count)):
        return False
    return sql, places


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
