"""Admin → Backups (config/urls.py mounts these before the admin, at admin/backups/)."""

from django.contrib import admin
from django.urls import path

from . import admin_views

app_name = "backup"

urlpatterns = [
    path("", admin.site.admin_view(admin_views.backups), name="list"),
    path("<str:name>", admin.site.admin_view(admin_views.download), name="download"),
]
