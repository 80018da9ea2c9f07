from django.http import HttpRequest, HttpResponse


def hello(request: HttpRequest) -> HttpResponse:
    """The throughput bench's baseline: the whole middleware stack and no database work. Routed
    only by bench/urls.py (the URLconf of bench/settings.py), never in a normal deployment."""
    return HttpResponse("hello", content_type="text/plain")
