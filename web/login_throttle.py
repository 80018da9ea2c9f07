"""Login throttling with django-axes: failed logins are counted per (username, client address)
pair, never per username alone, so nobody can lock someone else out from another address.
After AGORA_LOGIN_FAILURE_LIMIT failures the pair is refused for AGORA_LOGIN_COOLOFF_MINUTES."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class AxesBackend(AxesStandaloneBackend):
    """axes' backend refuses (with an exception) any authenticate() call without a request.
    Such calls come from code, not from a login form: the test client's login(), the shell,
    management commands. They have no client address to throttle, so let them through to the
    next backend; every form login in Agora passes the request (Django's AuthenticationForm
    does) and is throttled."""

    def authenticate(self, request: HttpRequest | None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str:
    # TrustedProxyMiddleware has already put the real client address in REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, -(-seconds // 60)) if seconds else 0
    body = render_to_string("lockout.html", {"minutes": minutes}, request=request)
    response = HttpResponse(body, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
