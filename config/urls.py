from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("comments.urls")),
    path("", include("moderation.urls")),
    path("", include("search.urls")),
    path("", include("archive.urls")),
]

handler400 = "config.errors.bad_request"
