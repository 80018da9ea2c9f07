from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import views
from web.health import health

urlpatterns = [
    path("healthz", health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("comments.urls")),
    path("", include("moderation.urls")),
    path("", include("search.urls")),
    path("", include("archive.urls")),
]

if settings.AGORA_BENCH_HELLO:
    urlpatterns.insert(0, path("__bench/hello", views.hello, name="bench_hello"))

handler400 = "web.errors.bad_request"
handler500 = "web.errors.server_error"
