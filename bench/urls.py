"""The site's URLs plus the throughput bench's baseline, `/__bench/hello`: the URLconf of
bench/settings.py."""

from django.urls import path

from bench import views
from config.urls import handler400, handler500
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("__bench/hello", views.hello, name="bench_hello"), *site_urlpatterns]

__all__ = ["handler400", "handler500", "urlpatterns"]
