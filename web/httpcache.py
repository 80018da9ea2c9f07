"""HTTP caching headers, so a proxy or a CDN in front of the site can keep its public pages.

A page the page cache may store (the same for every anonymous reader, see web/pagecache.py)
is sent `Cache-Control: public, max-age=AGORA_HTTP_MAX_AGE, s-maxage=AGORA_HTTP_SHARED_MAX_AGE`
with `Vary: Cookie`, so a request carrying a session cookie is never answered from a shared
copy. Everything else a reader may see (their pages, forms with a CSRF token, pages with a
CSP nonce) is `private, no-cache`: kept by their own browser only, and checked each time.
ETags and 304s come from Django's ConditionalGetMiddleware, which sits above this one.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from web.pagecache import cacheable_request, cacheable_response


class HttpCacheHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.has_header("Cache-Control") and not response.has_header("X-Page-Cache"):
            return response  # the view chose (never_cache, private, …)
        if settings.AGORA_HTTP_MAX_AGE > 0 and (
            response.get("X-Page-Cache") == "hit"
            or (cacheable_request(request) and cacheable_response(request, response))
        ):
            patch_cache_control(
                response,
                public=True,
                max_age=settings.AGORA_HTTP_MAX_AGE,
                s_maxage=settings.AGORA_HTTP_SHARED_MAX_AGE,
            )
            patch_vary_headers(response, ["Cookie"])
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response
