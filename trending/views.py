"""The view-count beacon: the article page POSTs here with navigator.sendBeacon after it has loaded,
so counting never slows down serving the page (which stays cacheable)."""

from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from news.models import ArticlePage

from .counting import record_view
from .guard import first_view_today, valid_token
from .queries import top_trending

# How stale Top Trending may be in a page (the page cache keeps pages for minutes): pages fetch the
# list afresh from here, and browsers and CDNs may keep this answer this long.
TOP_TRENDING_MAX_AGE = 60
TOP_TRENDING_SIZE = 5

# Page ids are PostgreSQL integers; anything larger is no article (and SQLite cannot even compare it).
MAX_ID = 2**31 - 1

# Crawlers that run scripts mostly say so; a request without any User-Agent is a script, not a reader.
BOT_MARKERS = ("bot", "spider", "crawl", "slurp", "headless", "lighthouse")


def is_bot(request):
    user_agent = request.headers.get("User-Agent", "").lower()
    return not user_agent or any(marker in user_agent for marker in BOT_MARKERS)


# CSRF-exempt: sendBeacon cannot send a CSRF token, and the only effect is +1 on an anonymous counter.
# Nothing about the reader is stored: no IP address, cookie, session or user id (trending.guard).
# The answer is 204 whether the view counted or not: a script learns nothing from it.
@csrf_exempt
@never_cache
@require_POST
def count_view(request, article_id):
    if article_id > MAX_ID or not ArticlePage.objects.visible().filter(pk=article_id).exists():
        raise Http404("No such article")
    if not is_bot(request) and valid_token(request.POST.get("token"), article_id) \
            and first_view_today(request, article_id):
        try:
            record_view(article_id)
        except IntegrityError:
            pass  # the article was deleted a moment ago: nothing to count
    return HttpResponse(status=204)


@cache_control(public=True, max_age=TOP_TRENDING_MAX_AGE)
def top_trending_list(request):
    """Top Trending as an HTML list, for pages served from the cache to show current counts
    (site.js replaces the list the page was cached with). Under /api/: never in the page cache."""
    return render(request, "trending/top_list.html", {"trending": top_trending(limit=TOP_TRENDING_SIZE)})
