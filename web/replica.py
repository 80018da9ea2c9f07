"""Reads from a PostgreSQL streaming replica (AGORA_DATABASE_REPLICA_URL), writes to the
primary.

Only the reads of an anonymous GET or HEAD go to the replica: they are most of an archive's
traffic and may be a moment behind. A signed-in reader reads from the primary, and so does a
browser for AGORA_REPLICA_PIN_SECONDS after it wrote anything (a cookie marks it), so nobody
posts a comment and then misses it on the next page because the replica lags behind.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PIN_COOKIE = "agora_primary"
_reads: ContextVar[str] = ContextVar("agora_reads", default="default")


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        return _reads.get()

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, **hints) -> bool:
        return db == "default"


def _may_read_replica(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and PIN_COOKIE not in request.COOKIES
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaMiddleware:
    """Chooses where this request's reads go, and pins a browser that writes to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reads.set("replica" if _may_read_replica(request) else "default")
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.AGORA_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
