"""Behind a trusted proxy the client address comes from X-Forwarded-For; otherwise the header
is ignored, so a client cannot pick its own address to dodge limits."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from web.middleware import TrustedProxyMiddleware


def address_seen(settings, trusted, remote, forwarded=None):
    settings.AGORA_TRUSTED_PROXIES = trusted
    middleware = TrustedProxyMiddleware(lambda request: HttpResponse(request.META["REMOTE_ADDR"]))
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    return middleware(request).content.decode()


def test_without_trusted_proxies_the_header_is_ignored(settings):
    assert address_seen(settings, [], "127.0.0.1", "203.0.113.9") == "127.0.0.1"


def test_a_trusted_proxy_passes_on_the_client_address(settings):
    assert address_seen(settings, ["127.0.0.1"], "127.0.0.1", "203.0.113.9") == "203.0.113.9"


def test_forged_entries_to_the_left_are_not_believed(settings):
    # The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the address it saw.
    seen = address_seen(settings, ["127.0.0.1"], "127.0.0.1", "1.2.3.4, 203.0.113.9")
    assert seen == "203.0.113.9"


def test_a_chain_of_trusted_proxies_is_walked(settings):
    seen = address_seen(settings, ["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "203.0.113.9, 10.1.2.3")
    assert seen == "203.0.113.9"


def test_an_untrusted_peer_cannot_set_its_address(settings):
    assert address_seen(settings, ["127.0.0.1"], "198.51.100.1", "203.0.113.9") == "198.51.100.1"


@pytest.mark.parametrize("garbage", ["not-an-ip", "", " , ", "<script>"])
def test_garbage_in_the_header_keeps_the_proxy_address(settings, garbage):
    assert address_seen(settings, ["127.0.0.1"], "127.0.0.1", garbage) == "127.0.0.1"
