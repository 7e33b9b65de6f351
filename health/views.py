"""Health probes.

- /healthz (liveness, for load balancers and `make run`): can this app server serve pages? Only the
  database is checked: pages, feeds and publishing need it, search does not (readers get a clear
  "search is unavailable" while OpenSearch is down), so a search outage never takes app servers out
  of rotation. The answer is one word; nothing internal is shown to whoever asks.
- /healthz/status (for operators): every dependency with its error, timings and the index lag;
  503 when one is failing. Only for staff, or with HEALTH_STATUS_TOKEN as a bearer token (monitoring).
"""

import hmac
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max
from opensearchpy.exceptions import OpenSearchException

from search.client import get_client

# A health probe must answer quickly even when a dependency hangs.
OPENSEARCH_PROBE_TIMEOUT = 0.5


def _timed(check):
    started = time.perf_counter()
    result = check()
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message says which
        return {"status": "fail", "vendor": connection.vendor, "error": str(exc)[:200]}
    return {"status": "ok", "vendor": connection.vendor}


def check_opensearch():
    try:
        health = get_client().cluster.health(request_timeout=OPENSEARCH_PROBE_TIMEOUT)
    except OpenSearchException as exc:
        return {"status": "fail", "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    cluster_status = health.get("status")
    return {
        # Yellow (unassigned replicas, normal on one node) still answers every query; red does not.
        "status": "fail" if cluster_status == "red" else "ok",
        "cluster_name": health.get("cluster_name"),
        "cluster_status": cluster_status,
        "number_of_nodes": health.get("number_of_nodes"),
    }


def search_queue():
    """Index lag, for operators: tasks not yet done on the durable queue and how long the oldest has
    waited. Informational: a backlog does not make this app server unhealthy.

    A task deferred to retry later (OpenSearch down) is still backlog: django-tasks-db's ready()
    leaves it out until its time comes, which would show an empty queue for most of an outage."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return {"backend": "immediate"}
    try:
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        now = timezone.now()
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        return {"backend": "database", "waiting": waiting.count(),
                # run_after holds the maximum date for "no delay"; anything else in the future is a retry.
                "retrying": waiting.filter(run_after__gt=now).exclude(run_after=get_date_max()).count(),
                "running": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
                "oldest_waiting_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0}
    except DatabaseError as exc:
        return {"backend": "database", "error": str(exc)[:200]}


@never_cache
def healthz(request):
    """Liveness: 200 {"status": "ok"} while the database answers, else 503 {"status": "fail"}."""
    ok = check_database()["status"] == "ok"
    return JsonResponse({"status": "ok" if ok else "fail"}, status=200 if ok else 503)


def _may_see_status(request):
    token = settings.HEALTH_STATUS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_active and user.is_staff)


@never_cache
def status(request):
    """Readiness and detail for operators: what is failing and why, and the index lag."""
    if not _may_see_status(request):
        raise Http404  # the same answer as for a page that does not exist: nothing to probe
    checks = {"database": _timed(check_database), "opensearch": _timed(check_opensearch)}
    failing = [name for name, result in checks.items() if result["status"] != "ok"]
    body = {"status": "fail" if failing else "ok", "failing": failing, "checks": checks}
    if "database" not in failing:
        body["search_queue"] = search_queue()
    return JsonResponse(body, status=503 if failing else 200)
