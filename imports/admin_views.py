"""The admin's import upload: upload files or a zip, preview and correct each document, import.

Uploaded bytes wait in AGORA_IMPORT_DIR/<token>/ (imports/uploads.py) for at most
AGORA_IMPORT_EXPIRY_SECONDS; the token is random and bound to the uploading user. The slow
parts run in the task worker (imports/tasks.py): reading the files for the preview, and the
import itself (imports.pipeline.import_paths, the same pipeline as `manage.py import_articles`).
Meanwhile the admin sees a progress page; no request waits on either.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from archive.models import Article
from imports import tasks, uploads
from imports.loader import FULL_ROW, OVERRIDE_FIELDS, parse_override_date
from imports.parsers.base import ParseError
from imports.pipeline import Limits, check_zip, read_manifest

# Documents that get a correction form: each form posts 11 fields, and the request may carry at
# most DATA_UPLOAD_MAX_NUMBER_FIELDS (2,000). Later documents are imported as detected.
PREVIEW_FORMS = 150


# --- forms ------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files or a zip archive",
        help_text="Plain text, saved HTML pages, RSS/Atom feeds, or a .zip of them. A site "
        "backup is restored with `manage.py restore_archive FILE`, not here.",
    )
    manifest = forms.FileField(
        required=False,
        label="Manifest (optional)",
        help_text="CSV with columns file,source,source_url,url,published,author,title,kicker,dek;"
        " its non-empty cells replace what is detected.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.AGORA_UPLOAD_MAX_BYTES
        if sum(f.size for f in files) > limit:
            raise forms.ValidationError(
                f"The upload is larger than {limit:,} bytes (AGORA_UPLOAD_MAX_BYTES)."
            )
        if len(files) > settings.AGORA_IMPORT_MAX_FILES:
            raise forms.ValidationError(
                f"At most {settings.AGORA_IMPORT_MAX_FILES:,} files at a time."
            )
        names = [uploads.stored_name(f.name) for f in files]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise forms.ValidationError(f"Two files have the same name: {', '.join(duplicates)}.")
        limits = Limits.from_settings()
        for upload in files:
            if zipfile.is_zipfile(upload):
                upload.seek(0)
                try:
                    with zipfile.ZipFile(upload) as archive:
                        check_zip(archive, limits)
                except ParseError as exc:
                    raise forms.ValidationError(f"{upload.name}: {exc}") from exc
                except zipfile.BadZipFile as exc:
                    raise forms.ValidationError(
                        f"{upload.name}: not a readable zip: {exc}"
                    ) from exc
            upload.seek(0)
        return files

    def clean_manifest(self):
        manifest = self.cleaned_data.get("manifest")
        if manifest:
            if manifest.size > 1024 * 1024:
                raise forms.ValidationError("The manifest is larger than 1 MB.")
            try:
                read_manifest(manifest.read())
            except ParseError as exc:
                raise forms.ValidationError(f"The manifest cannot be used: {exc}.") from exc
            manifest.seek(0)
        return manifest


class DocumentForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    include = forms.BooleanField(required=False, initial=True, label="Import this document")
    title = forms.CharField(max_length=500)
    kicker = forms.CharField(max_length=200, required=False)
    dek = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(max_length=200, required=False)
    source_url = forms.URLField(
        max_length=500, required=False, label="Source homepage", assume_scheme="https"
    )
    url = forms.URLField(
        max_length=1000, required=False, label="Original address", assume_scheme="https"
    )
    published = forms.CharField(
        max_length=10, required=False, help_text="YYYY-MM-DD, YYYY-MM or YYYY."
    )
    author = forms.CharField(
        max_length=1000, required=False, label="Authors", help_text="Separated by ';'."
    )

    def clean_published(self):
        value = self.cleaned_data["published"].strip()
        if value:
            try:
                parse_override_date(value)
            except ParseError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return value


DocumentFormSet = forms.formset_factory(DocumentForm, extra=0, max_num=1000, absolute_max=1000)


def tree_events(comments: list[tuple[str, int, str]]) -> list[dict]:
    """Open/close events that render a flat (author, depth) list as nested <ul>s in one loop."""
    events: list[dict] = []
    depth_open = -1
    for author, depth, words in comments:
        depth = min(depth, depth_open + 1)
        while depth_open > depth:
            events.append({"close": True})
            depth_open -= 1
        if depth_open == depth:
            events.append({"end_item": True})
        while depth_open < depth:
            events.append({"open": True})
            depth_open += 1
        events.append({"author": author, "depth": depth, "words": words})
    while depth_open >= 0:
        events.append({"close": True})
        depth_open -= 1
    return events


# --- views ------------------------------------------------------------------------------------


def _check_permission(request: HttpRequest) -> None:
    if not request.user.has_perm("archive.add_article"):
        raise PermissionDenied("You may not import articles.")


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {
        **admin.site.each_context(request),
        "title": title,
        "opts": _opts(),
        "max_bytes": settings.AGORA_UPLOAD_MAX_BYTES,
        "max_files": settings.AGORA_IMPORT_MAX_FILES,
        **extra,
    }


def _opts():
    return Article._meta


STAGES = {
    "reading": "Reading the uploaded files for the preview…",
    "preview": "Read: the preview is ready.",
    "importing": "Importing…",
    "done": "Finished.",
}


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _check_permission(request)
    uploads.expire_old_uploads()
    form = UploadForm()
    if request.method == "POST":
        # A body over AGORA_UPLOAD_MAX_BYTES never gets here: RequestBodyLimitMiddleware
        # answers 413 before reading it, or while reading it when no length was declared.
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            token = uploads.store_upload(
                form.cleaned_data["files"], form.cleaned_data.get("manifest"), request.user
            )
            # Reading every file is the slow part: a worker does it.
            tasks.read_upload.enqueue(token)
            return redirect("imports:preview", token=token)
    return render(
        request, "admin/archive/import_upload.html", _context(request, "Import articles", form=form)
    )


@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    _check_permission(request)
    folder = uploads.upload_folder(token, request.user)
    state = uploads.read_state(folder)
    if state.get("stage") in ("importing", "done"):
        return redirect("imports:status", token=token)
    stored = uploads.stored_previews(folder)
    if stored is None:
        return _progress(request, state, reverse("imports:preview", args=[token]))
    if _wants_json(request):
        return JsonResponse({**_progress_json(state), "finished": True})
    previews, failures = stored
    if not previews:
        # Nothing here can ever be imported: the reasons are shown once, the bytes not kept.
        shutil.rmtree(folder, ignore_errors=True)
    editable = previews[:PREVIEW_FORMS]
    keys = {p.key for p in editable}
    if request.method == "POST":
        formset = DocumentFormSet(request.POST)
        if formset.is_valid() and {f.cleaned_data.get("key") for f in formset} == keys:
            _confirm(folder, formset)
            tasks.import_upload.enqueue(token)
            return redirect("imports:status", token=token)
        if formset.is_valid():
            formset._non_form_errors = formset.error_class(
                ["The documents changed since the preview; please review them again."]
            )
    else:
        formset = DocumentFormSet(initial=[p.initial() for p in editable])
    for preview, form in zip(editable, formset.forms, strict=False):
        preview.form = form
        preview.tree = tree_events(preview.comments)
    return render(
        request,
        "admin/archive/import_preview.html",
        _context(
            request,
            "Check the documents before importing",
            previews=previews,
            failures=failures,
            formset=formset,
            editable=editable,
            rest=previews[PREVIEW_FORMS:],
            token=token,
            preview_forms=PREVIEW_FORMS,
        ),
    )


@require_http_methods(["GET"])
def import_status(request: HttpRequest, token: str) -> HttpResponse:
    """Where a confirmed import stands, and its result once done: any app server can answer,
    the state is in the upload's folder."""
    _check_permission(request)
    folder = uploads.upload_folder(token, request.user)
    state = uploads.read_state(folder)
    summary = uploads.result(folder) if state.get("stage") == "done" else None
    if summary is None:
        return _progress(request, state, reverse("imports:status", args=[token]))
    if _wants_json(request):
        return JsonResponse({**_progress_json(state), "finished": True})
    return render(
        request,
        "admin/archive/import_result.html",
        _context(request, "Import finished", summary=summary),
        status=200 if not summary["failed"] else 422,
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _progress_json(state: dict) -> dict:
    return {
        "stage": state.get("stage", ""),
        "message": STAGES.get(state.get("stage"), "Waiting for a worker…"),
        "done": state.get("done", 0),
        "total": state.get("total", 0),
        "failed": state.get("failed", 0),
        "failures": state.get("failures", []),
        "warned": state.get("warned", 0),
        "warnings": state.get("warnings", []),
        "finished": state.get("stage") in ("preview", "done"),
    }


def _progress(request: HttpRequest, state: dict, url: str) -> HttpResponse:
    """The page shown while a worker reads or imports: it reloads itself every two seconds
    without JavaScript, and updates in place with it (static/js/import-progress.js); asked
    for JSON, the same state as JSON."""
    progress = _progress_json(state)
    if _wants_json(request):
        return JsonResponse(progress)
    return render(
        request,
        "admin/archive/import_progress.html",
        _context(request, progress["message"], state=progress, status_url=url),
    )


def _confirm(folder: Path, formset) -> None:
    overrides: dict[str, dict[str, str]] = {}
    skip: set[str] = set()
    for form in formset:
        data = form.cleaned_data
        if not data["include"]:
            skip.add(data["key"])
            continue
        # The form shows what was detected; what the admin leaves in it is what is saved,
        # empty fields included.
        overrides[data["key"]] = {name: data[name] for name in OVERRIDE_FIELDS} | {FULL_ROW: "1"}
    uploads.store_choices(folder, overrides, skip)
    uploads.write_state(folder, stage="importing", done=0, total=uploads.count_files(folder))
