import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from web.ratelimit import hit, ratelimit


@pytest.fixture(autouse=True)
def small_limit(settings):
    cache.clear()
    settings.AGORA_RATE_LIMITS = {**settings.AGORA_RATE_LIMITS, "test": (2, 60)}


def test_it_allows_up_to_the_limit_then_says_how_long_to_wait():
    assert hit("test", "alice").allowed
    assert hit("test", "alice").allowed
    verdict = hit("test", "alice")
    assert not verdict.allowed
    assert 1 <= verdict.retry_after <= 60
    assert hit("test", "bob").allowed, "each client has its own count"


def test_decorator_answers_429_with_retry_after(db):
    from django.contrib.auth.models import AnonymousUser

    view = ratelimit("test")(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    responses = []
    for _ in range(3):
        request = factory.post("/", REMOTE_ADDR="10.0.0.1")
        request.user = AnonymousUser()
        responses.append(view(request))
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert int(responses[-1]["Retry-After"]) > 0
    assert b"Please wait" in responses[-1].content
    request = factory.get("/", REMOTE_ADDR="10.0.0.1")
    request.user = AnonymousUser()
    assert view(request).status_code == 200, "reads are not limited"
