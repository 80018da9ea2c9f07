"""`reverse()` with a memory, for the links a page writes by the dozen.

A search page links each of its 20 results to its article, source and authors: 60 calls of
`reverse()` at about 11 µs each, a tenth of the page. The same name with the same arguments,
the same URLconf and the same script prefix always gives the same path, so it is kept, keyed
by all four; the memory is emptied whenever Django empties its own URL caches (a changed
ROOT_URLCONF, in tests) and holds a bounded number of paths.
"""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse


def cached_reverse(viewname: str, *args) -> str:
    return _reverse(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), viewname, args)


@lru_cache(maxsize=20_000)
def _reverse(urlconf: str, prefix: str, viewname: str, args: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _reverse.cache_clear()


def absolute_url(path: str) -> str:
    """`path` (from reverse()) on the site's public address, AGORA_SITE_URL: for mails,
    which a worker writes with no request to take a host from, and feeds, read elsewhere."""
    return settings.SITE_URL + path
