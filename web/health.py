"""GET /healthz: is this app server able to serve? For load balancers and uptime checks.
Never stored by the page cache (never_cache: private, no-store)."""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult, get_date_max

log = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def check_cache() -> None:
    # A key of its own per request, so concurrent checks from several workers never race.
    key = f"healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the value read back differs from the value written")
    finally:
        cache.delete(key)


def check_tasks() -> None:
    """The oldest task ready to run has waited less than AGORA_TASK_BACKLOG_SECONDS: a
    worker is running and keeping up. Only the database queue can be read from here."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return
    ready = DBTaskResult.objects.ready()
    oldest = min(
        filter(
            None,
            [
                ready.filter(run_after=get_date_max()).aggregate(t=Min("enqueued_at"))["t"],
                ready.exclude(run_after=get_date_max()).aggregate(t=Min("run_after"))["t"],
            ],
        ),
        default=None,
    )
    if oldest is not None:
        waited = (timezone.now() - oldest).total_seconds()
        if waited > settings.AGORA_TASK_BACKLOG_SECONDS:
            raise RuntimeError(f"the oldest queued task has waited {waited:.0f} s")


CHECKS = {"database": check_database, "cache": check_cache, "tasks": check_tasks}
# Without these the server cannot answer; without the others it answers more slowly.
REQUIRED = {"database"}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Each dependency "ok" or "failed", and the server's status: "ok"; "degraded" (200: a
    cache outage slows pages but a load balancer must keep sending them here); or "down"
    (503: the database failed). "tasks" fails when queued work waits too long (no worker,
    or too few). Reasons go to the log, not to the anonymous caller."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # any failure, whatever the backend raises, is "failed"
            log.exception("health check %s failed", name)
            results[name] = "failed"
        else:
            results[name] = "ok"
    failed = {name for name, value in results.items() if value != "ok"}
    status = "down" if failed & REQUIRED else "degraded" if failed else "ok"
    return JsonResponse({"status": status, **results}, status=503 if status == "down" else 200)
