"""Redis as a cache that an outage degrades instead of breaking.

Django's Redis backend raises on every call while the server is gone, and every page reads
the cache (the page cache, rate limits), so a dead Redis answered 500 everywhere. Here a
failed call counts as a miss (reads return the default, writes are dropped), the outage is
logged once, and for a few seconds the server is not tried again, so a page does not wait on
a connect timeout per call. When Redis is back, the next try after the pause succeeds and
caching resumes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.core.cache import cache as default_cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

FAILURES = (RedisError, OSError)

# Called once when the cache answers again after an outage: writes made during it were
# dropped (the page cache's invalidations among them), so what it held may be stale.
_recovery_hooks: list[Callable[[], None]] = []


def on_recovery(hook: Callable[[], None]) -> Callable[[], None]:
    _recovery_hooks.append(hook)
    return hook


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.retry_seconds = float(params.get("RETRY_SECONDS", 2.0))
        self._down_until = 0.0
        self._outage = False
        self._lock = threading.Lock()

    @property
    def is_up(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception) -> None:
        with self._lock:
            first = not self._outage
            self._outage = True
            self._down_until = time.monotonic() + self.retry_seconds
        if first:
            log.warning("cache unavailable, serving without it: %s", error)

    def _answered(self) -> None:
        if not self._outage:
            return
        with self._lock:
            recovered, self._outage = self._outage, False
        if recovered:
            log.warning("cache available again")
            for hook in _recovery_hooks:
                hook()

    def _call(self, name: str, default, *args, **kwargs):
        if not self.is_up:
            return default
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except FAILURES as error:
            self._failed(error)
            return default
        self._answered()
        return result

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        if not self.is_up:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        try:
            result = super().incr(key, delta, version)
        except FAILURES as error:
            self._failed(error)
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)") from error
        self._answered()
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)


def cache_is_up(cache=default_cache) -> bool:
    """False while the shared cache is known to be down (only ours can tell; others: True)."""
    return getattr(cache, "is_up", True)
