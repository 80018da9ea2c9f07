"""Whole pages for anonymous readers, kept in the shared cache for a short time.

Most requests to an archive are anonymous reads of pages that change rarely. This middleware
stores such a page the first time it is rendered and serves the copy until either its time is
up (AGORA_PAGE_CACHE_SECONDS) or anything in the database changes: every save, delete or
many-to-many change bumps a generation number kept in the cache, and pages are stored under the
generation they were rendered in. A comment posted, edited or removed is therefore visible to
anonymous readers on their next request. Writes that bypass model signals (QuerySet.update(),
raw SQL) are seen when the copy expires, or at once if the code calls `changed()`.

Only what is the same for every anonymous reader is stored: GET/HEAD, status 200, no cookie
set, no CSRF token used (so no page with a form), no CSP nonce, no
`Cache-Control: private/no-cache/no-store`. Requests that carry a session or a messages cookie
are never answered from it, which is why `Vary: Cookie` (added whenever the template asked
whether the reader is signed in) does not stop a page being stored: for a request without
those cookies the answer is always "anonymous". A view whose output depends on some other
cookie must say so with `Cache-Control: private`.

It is on by default in production, where the cache is shared by every worker: Redis
(REDIS_URL), or without it a folder of files on the one machine. The generation is a fresh
random token rather than a counter, so a lost update in a cache without atomic increments can
never make two different states of the database share one token."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, get_max_age

from web.cache import cache_is_up, on_recovery

GENERATION_KEY = "pagecache:generation"
T = TypeVar("T")
# Bookkeeping rows that change on every login or request but never change a public page.
IGNORED_MODELS = {
    "sessions.session",
    "admin.logentry",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "axes.accessattemptexpiration",
}


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        value = cache.get(GENERATION_KEY)
    return str(value)


def invalidate() -> None:
    """Forget every stored page (call after writes that send no model signals)."""
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def changed() -> None:
    """The database changed (or is about to, when its transaction commits): forget every page
    now, and once more at the commit. A reader's request between the write and its commit
    still sees the old rows and would store them under the new token; the second one
    retires that copy. Code that writes without model signals (raw SQL, QuerySet.update(),
    the importer's bulk inserts) calls this."""
    invalidate()
    if connection.in_atomic_block:
        transaction.on_commit(invalidate)


def _on_change(sender, **kwargs) -> None:
    if sender._meta.label_lower not in IGNORED_MODELS:
        changed()


def _on_m2m_change(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        changed()


# Invalidations sent while the shared cache was down were lost: start afresh when it is back.
on_recovery(invalidate)
post_save.connect(_on_change, dispatch_uid="agora-pagecache-save")
post_delete.connect(_on_change, dispatch_uid="agora-pagecache-delete")
m2m_changed.connect(_on_m2m_change, dispatch_uid="agora-pagecache-m2m")


def fragment(name: str, compute: Callable[[], T]) -> T:
    """A value computed from the database (a list of rows, a count) for any reader, signed in
    or not, kept in the shared cache under the same generation as whole pages: computed again
    once anything changes, or after AGORA_PAGE_CACHE_SECONDS (0: never kept)."""
    seconds = settings.AGORA_PAGE_CACHE_SECONDS
    if seconds <= 0 or not cache_is_up():
        return compute()
    key = f"fragment:{generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return value


def cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(request, "_csp_nonce", None) or request.META.get("CSRF_COOKIE_USED"):
        return False  # the page holds a per-reader nonce or CSRF token
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v}
    if "*" in vary:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-cache", "no-store")):
        return False
    return get_max_age(response) != 0


def _key(request: HttpRequest, gen: str) -> str:
    digest = hashlib.sha256(
        f"{request.get_host()}|{request.get_full_path()}".encode("utf-8", "surrogateescape")
    ).hexdigest()
    return f"pagecache:{gen}:{digest}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.AGORA_PAGE_CACHE_SECONDS
        if seconds <= 0 or not cache_is_up() or not cacheable_request(request):
            return self.get_response(request)
        key = _key(request, generation())
        stored = cache.get(key)
        if stored is not None:
            response = HttpResponse(stored["content"], status=200)
            for name, value in stored["headers"]:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        # The cache may have failed while this page was built: then nothing was stored.
        if cacheable_response(request, response) and cache_is_up():
            headers = [(name, value) for name, value in response.items()]
            cache.set(key, {"content": response.content, "headers": headers}, timeout=seconds)
            response["X-Page-Cache"] = "miss"
        return response
