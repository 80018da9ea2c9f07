"""Request-level protections that sit in MIDDLEWARE: the real client address behind a trusted
proxy, and the request body limit enforced before (and while) the body is read."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class RequestBodyTooLarge(SuspiciousOperation):
    """Raised while reading a body that has grown past AGORA_UPLOAD_MAX_BYTES. Django turns a
    SuspiciousOperation into a call of handler400, which answers 413 for this one."""


def body_too_large_response(request: HttpRequest) -> HttpResponse:
    limit = settings.AGORA_UPLOAD_MAX_BYTES
    body = render_to_string("413.html", {"limit_bytes": limit}, request=request)
    # No "Connection: close" here: WSGI forbids hop-by-hop headers from the application; the
    # server (gunicorn, nginx) deals with the rest of an unread body itself.
    return HttpResponse(body, status=413)


class LimitedUploadHandler(FileUploadHandler):
    """Counts every byte of every uploaded file as it is read and stops the request once the
    running total passes AGORA_UPLOAD_MAX_BYTES. It guards bodies whose length was not declared
    up front (or was wrong); declared lengths are refused earlier, without reading anything."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = settings.AGORA_UPLOAD_MAX_BYTES
        self.total = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.total += len(raw_data)
        if self.total > self.limit:
            raise RequestBodyTooLarge(
                f"Upload stopped after {self.total} bytes: the limit is {self.limit} bytes."
            )
        return raw_data  # hand the chunk on to Django's memory/temporary-file handlers

    def file_complete(self, file_size: int):
        return None  # the next handler builds the file


class RequestBodyLimitMiddleware:
    """Refuses a declared Content-Length above AGORA_UPLOAD_MAX_BYTES with 413 before a byte of
    the body is read, and puts LimitedUploadHandler first for the bodies it does read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads an unparsable length as an empty body, so do we
        if declared > settings.AGORA_UPLOAD_MAX_BYTES:
            return body_too_large_response(request)
        request.upload_handlers.insert(0, LimitedUploadHandler(request))
        return self.get_response(request)


def _trusted(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


class TrustedProxyMiddleware:
    """Behind nginx every request comes from 127.0.0.1, so rate limits and login lockouts keyed
    by REMOTE_ADDR would lump every client together. When the direct peer is one of
    AGORA_TRUSTED_PROXIES, take the client address from X-Forwarded-For: the right-most entry
    that is not itself a trusted proxy (entries to its left are supplied by the client and can
    be forged). With no trusted proxies configured the header is ignored."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = [
            ipaddress.ip_network(entry, strict=False) for entry in settings.AGORA_TRUSTED_PROXIES
        ]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = request.META.get("REMOTE_ADDR", "")
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if self.networks and forwarded and _trusted(peer, self.networks):
            for candidate in reversed(forwarded.split(",")):
                candidate = candidate.strip()
                if not candidate:
                    continue
                if not _trusted(candidate, self.networks):
                    try:
                        request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(candidate))
                    except ValueError:
                        pass  # garbage in the header: keep the proxy's address
                    break
        return self.get_response(request)
