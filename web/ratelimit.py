"""Rate limits kept in the shared cache, so that every worker process sees the same counts
(Redis in production; the in-process cache in development and tests).

Limits are named; `settings.AGORA_RATE_LIMITS` maps a name to (requests, seconds) and can be
changed per deployment (or raised in a load test) without touching code. While the shared
cache is down, each process counts on its own (see `_local`)."""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from web.cache import cache_is_up


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until a new request would be allowed; 0 when allowed


def limit_for(name: str) -> tuple[int, int]:
    return settings.AGORA_RATE_LIMITS[name]


# While the shared cache is down, limits are counted in this process's memory: each worker
# then allows the full rate on its own (a limit per worker rather than none at all).
_local = LocMemCache("agora-ratelimit-fallback", {"MAX_ENTRIES": 10000})


def _count(store, key: str, window: int) -> int:
    # add() is atomic: it only sets the key when it is absent, then incr() counts.
    store.add(key, 0, timeout=window + 1)
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr (or the cache just went down)
        store.set(key, 1, timeout=window + 1)
        return 1


def hit(name: str, who: str) -> Verdict:
    """Count one request by `who` against the limit `name` (a fixed window)."""
    count_allowed, window = limit_for(name)
    now = time.time()
    window_start = int(now // window) * window
    key = f"ratelimit:{name}:{who}:{window_start}"
    count = _count(cache, key, window) if cache_is_up() else 0
    if not cache_is_up():
        count = _count(_local, key, window)
    if count <= count_allowed:
        return Verdict(True, 0)
    return Verdict(False, max(1, math.ceil(window_start + window - now)))


def client_key(request: HttpRequest) -> str:
    """The user's id when signed in, else the client address."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    return "ip" + request.META.get("REMOTE_ADDR", "unknown")


def too_many_requests(
    request: HttpRequest, verdict: Verdict, what: str = "requests"
) -> HttpResponse:
    body = render_to_string(
        "429.html", {"retry_after": verdict.retry_after, "what": what}, request=request
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def ratelimit(name: str, *, methods: tuple[str, ...] = ("POST",), what: str = "requests"):
    """View decorator: answer 429 with Retry-After once `name`'s limit is spent."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                verdict = hit(name, client_key(request))
                if not verdict.allowed:
                    return too_many_requests(request, verdict, what)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
