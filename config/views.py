from django.http import HttpRequest, HttpResponse


def hello(request: HttpRequest) -> HttpResponse:
    """The throughput bench's baseline: the whole middleware stack and no database work. Routed
    only when AGORA_BENCH_HELLO=1 (see config/urls.py), never in a normal deployment."""
    return HttpResponse("hello", content_type="text/plain")
