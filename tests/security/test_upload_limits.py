"""Request bodies above AGORA_UPLOAD_MAX_BYTES are refused while reading, never buffered: the
bodies here are generated lazily, so a test that read them whole would show in memory."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.urls import include, path

from web.middleware import LimitedUploadHandler, RequestBodyTooLarge

MB = 1024 * 1024


class LazyBody(io.RawIOBase):
    """prefix + `size` zero bytes + suffix, produced chunk by chunk as they are read."""

    def __init__(self, size: int, prefix: bytes = b"", suffix: bytes = b""):
        self.parts = [(prefix, len(prefix)), (None, size), (suffix, len(suffix))]
        self.length = len(prefix) + size + len(suffix)
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.length - self.consumed
        n = min(n, self.length - self.consumed)
        out = bytearray()
        position = self.consumed
        offset = 0
        for data, length in self.parts:
            if position < offset + length and len(out) < n:
                start = position - offset
                take = min(length - start, n - len(out))
                out += data[start : start + take] if data is not None else bytes(take)
                position += take
            offset += length
        self.consumed = position
        return bytes(out)


def multipart_body(file_size: int) -> tuple[LazyBody, str]:
    boundary = "agoraBOUNDARY"
    prefix = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="upload"; filename="big.html"\r\n'
        "Content-Type: text/html\r\n\r\n"
    ).encode()
    suffix = f"\r\n--{boundary}--\r\n".encode()
    return LazyBody(file_size, prefix, suffix), f"multipart/form-data; boundary={boundary}"


def call_wsgi(body: LazyBody, content_type: str, path: str = "/", **extra) -> tuple[str, bytes]:
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
        **extra,
    )
    status = {}

    def start_response(value, headers):
        status["value"] = value

    content = b"".join(WSGIHandler()(environ, start_response))
    return status["value"], content


def test_a_declared_length_over_the_limit_gets_413_before_a_byte_is_read(db):
    body, content_type = multipart_body(100 * MB)
    tracemalloc.start()
    try:
        status, content = call_wsgi(body, content_type)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status.startswith("413")
    assert b"That request is too large" in content
    assert b"20.0\xc2\xa0MB" in content, "the page names the limit"
    assert body.consumed == 0
    assert peak < 5 * MB


def test_a_body_within_the_limit_goes_through(db, settings):
    settings.AGORA_UPLOAD_MAX_BYTES = 4 * MB
    body, content_type = multipart_body(1 * MB)
    status, _ = call_wsgi(body, content_type, path="/no-such-page/")
    assert status.startswith("404"), "refused by routing, not by size"


def test_the_limit_follows_the_setting(db, settings):
    settings.AGORA_UPLOAD_MAX_BYTES = 1 * MB
    body, content_type = multipart_body(1 * MB + 1)
    status, _ = call_wsgi(body, content_type)
    assert status.startswith("413")


def test_the_upload_handler_stops_reading_once_the_running_total_passes_the_limit(settings):
    """For bodies whose length was not declared (or not honestly): the handler counts bytes as
    they stream in and stops the parse a chunk after the limit, whatever the body's size."""
    settings.AGORA_UPLOAD_MAX_BYTES = 1 * MB
    body, content_type = multipart_body(64 * MB)
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(body.length)}
    handlers = [LimitedUploadHandler(), MemoryFileUploadHandler(), TemporaryFileUploadHandler()]
    parser = MultiPartParser(meta, body, handlers, "utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(RequestBodyTooLarge):
            parser.parse()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert body.consumed < 2 * MB, f"read {body.consumed} bytes of a 64 MB body"
    assert peak < 5 * MB


def handlers_view(request):
    return HttpResponse(" ".join(type(handler).__name__ for handler in request.upload_handlers))


def too_large_view(request):
    raise RequestBodyTooLarge("stopped")


urlpatterns = [
    path("handlers/", handlers_view),
    path("upload/", too_large_view),
    path("", include("config.urls")),  # the 413 page links to the home page
]
handler400 = "web.errors.bad_request"


@pytest.mark.urls(__name__)
def test_the_middleware_puts_the_counting_handler_first(client):
    assert client.get("/handlers/").content.decode().split()[0] == "LimitedUploadHandler"


@pytest.mark.urls(__name__)
def test_a_limit_hit_while_reading_is_answered_413_with_the_page(client, db):
    response = client.post("/upload/", {"x": "y"})
    assert response.status_code == 413
    assert b"That request is too large" in response.content
