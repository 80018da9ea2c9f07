"""The admin's import pages, under the article admin's address (config/urls.py mounts them
before the admin, at admin/archive/article/import/)."""

from django.contrib import admin
from django.urls import path

from . import admin_views

app_name = "imports"

urlpatterns = [
    path("", admin.site.admin_view(admin_views.import_upload), name="upload"),
    path("<str:token>/", admin.site.admin_view(admin_views.import_preview), name="preview"),
    path("<str:token>/status/", admin.site.admin_view(admin_views.import_status), name="status"),
]
