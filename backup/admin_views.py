"""Admin → Backups: ask for a full backup (the task worker writes it), list and download the
backups in storage. Superusers only: a full backup holds every account's password hash."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from backup import ondemand, tasks


def _check_permission(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied("Only superusers may make or download backups.")


@require_http_methods(["GET", "POST"])
def backups(request: HttpRequest) -> HttpResponse:
    _check_permission(request)
    if request.method == "POST":
        name = ondemand.new_name()
        tasks.make_backup.enqueue(name)
        messages.success(
            request,
            f"Backup {name} is being written by the task worker; it is listed here once "
            "written (reload the page).",
        )
        return redirect("backup:list")
    context = {
        **admin.site.each_context(request),
        "title": "Backups",
        "backups": ondemand.stored_backups(),
    }
    return render(request, "admin/backup/backups.html", context)


@require_http_methods(["GET"])
def download(request: HttpRequest, name: str) -> FileResponse:
    _check_permission(request)
    if not ondemand.is_backup_name(name) or not default_storage.exists(ondemand.path_of(name)):
        raise Http404("No such backup.")
    return FileResponse(
        default_storage.open(ondemand.path_of(name), "rb"),
        as_attachment=True,
        filename=name,
        content_type="application/x-ndjson",
    )
