"""The admin's import upload: upload files or a zip, preview and correct each document, import.

Uploaded bytes wait in AGORA_IMPORT_DIR/<token>/ (never in hidden fields) for at most
AGORA_IMPORT_EXPIRY_SECONDS; the token is random, bound to the uploading user, and the folder
is deleted once imported or expired. The import itself is imports.pipeline.import_paths, the
same pipeline as `manage.py import_articles`.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_http_methods

from archive.dates import iso_partial_date
from archive.models import Article
from imports.loader import FULL_ROW, OVERRIDE_FIELDS, apply_overrides, parse_override_date
from imports.parsers.base import ParsedDocument, ParseError, walk
from imports.pipeline import (
    BACKUP_REFUSED,
    Failure,
    ImportSummary,
    Limits,
    boilerplate_patterns,
    check_zip,
    file_format,
    import_paths,
    iter_inputs,
    parse_documents,
    read_manifest,
)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
PREVIEW_COMMENTS = 300
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
        names = [stored_name(f.name) for f in files]
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


# --- storage ----------------------------------------------------------------------------------


def stored_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    try:
        return get_valid_filename(base)[:200]
    except Exception:  # SuspiciousFileOperation for names like ".."
        return "upload"


def import_root() -> Path:
    return Path(settings.AGORA_IMPORT_DIR)


def expire_old_uploads() -> int:
    """Delete the uploads older than AGORA_IMPORT_EXPIRY_SECONDS; how many there were."""
    root = import_root()
    if not root.is_dir():
        return 0
    cutoff = time.time() - settings.AGORA_IMPORT_EXPIRY_SECONDS
    removed = 0
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def store_upload(form: UploadForm, user) -> str:
    token = secrets.token_urlsafe(24)
    folder = import_root() / token
    (folder / "files").mkdir(parents=True)
    for upload in form.cleaned_data["files"]:
        with open(folder / "files" / stored_name(upload.name), "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    if form.cleaned_data.get("manifest"):
        (folder / "manifest.csv").write_bytes(form.cleaned_data["manifest"].read())
    (folder / "meta.json").write_text(json.dumps({"user": user.pk, "created": time.time()}))
    return token


def upload_folder(token: str, user) -> Path:
    """The folder of a live upload of this user, or 404."""
    if not _TOKEN.fullmatch(token):
        raise Http404("No such upload.")
    folder = import_root() / token
    try:
        meta = json.loads((folder / "meta.json").read_text())
    except (OSError, ValueError):
        raise Http404("This upload has expired or was already imported; upload it again.") from None
    if meta.get("created", 0) < time.time() - settings.AGORA_IMPORT_EXPIRY_SECONDS:
        shutil.rmtree(folder, ignore_errors=True)
        raise Http404("This upload has expired; upload it again.")
    if meta.get("user") != user.pk:
        raise PermissionDenied("This upload belongs to another user.")
    return folder


def stored_manifest(folder: Path) -> dict[str, dict[str, str]] | None:
    path = folder / "manifest.csv"
    return read_manifest(path.read_bytes()) if path.exists() else None


def stored_inputs(folder: Path):
    files = folder / "files"
    return iter_inputs([files], Limits.from_settings(), relative_to=files)


# --- preview ----------------------------------------------------------------------------------


@dataclass
class Preview:
    key: str
    doc: ParsedDocument
    format: str
    comments: list[tuple[str, int, str]]  # (author, depth, first words)
    comment_total: int
    body_start: list[str]
    date_text: str = ""
    form: DocumentForm | None = None
    tree: list[dict] = field(default_factory=list)


def _initial(key: str, doc: ParsedDocument) -> dict:
    return {
        "key": key,
        "include": True,
        "title": doc.title[:500],
        "kicker": doc.kicker[:200],
        "dek": doc.dek[:1000],
        "source": doc.source_name[:200],
        "source_url": doc.source_url[:500],
        "url": doc.url[:1000],
        "published": _date_text(doc),
        "author": "; ".join(doc.authors),
    }


def _date_text(doc: ParsedDocument) -> str:
    return iso_partial_date(doc.published, doc.precision)


def build_previews(folder: Path) -> tuple[list[Preview], list[Failure]]:
    manifest = stored_manifest(folder) or {}
    boilerplate = boilerplate_patterns()
    previews: list[Preview] = []
    failures: list[Failure] = []
    for item in stored_inputs(folder):
        if isinstance(item, Failure):
            failures.append(item)
            continue
        try:
            fmt = file_format(item, "auto")
            if fmt == "jsonl":
                failures.append(Failure(item.path, BACKUP_REFUSED))
                continue
            for key, doc in parse_documents(item, fmt, boilerplate):
                doc = apply_overrides(doc, manifest.get(item.name))
                previews.append(_preview(key, doc, fmt))
        except ParseError as exc:
            failures.append(Failure(item.path, str(exc)))
        except Exception as exc:  # a parser crash on hostile input is shown, never a 500
            failures.append(Failure(item.path, f"could not be read: {exc.__class__.__name__}"))
    return previews, failures


def _preview(key: str, doc: ParsedDocument, fmt: str) -> Preview:
    comments = []
    total = 0
    for depth, comment in walk(doc.comments):
        total += 1
        if total <= PREVIEW_COMMENTS:
            words = comment.body.split()
            words = " ".join(words[:16]) + (" …" if len(words) > 16 else "")
            comments.append((comment.author_name or "", depth, words))
    body_start = [p[:300] + ("…" if len(p) > 300 else "") for p in doc.paragraphs[:2]]
    return Preview(key, doc, fmt, comments, total, body_start, date_text=_date_text(doc))


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


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _check_permission(request)
    expire_old_uploads()
    form = UploadForm()
    if request.method == "POST":
        # A body over AGORA_UPLOAD_MAX_BYTES never gets here: RequestBodyLimitMiddleware
        # answers 413 before reading it, or while reading it when no length was declared.
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            token = store_upload(form, request.user)
            return redirect("imports:preview", token=token)
    return render(
        request, "admin/archive/import_upload.html", _context(request, "Import articles", form=form)
    )


@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    _check_permission(request)
    folder = upload_folder(token, request.user)
    previews, failures = build_previews(folder)
    if not previews:
        # Nothing here can ever be imported: the reasons are shown once, the bytes not kept.
        shutil.rmtree(folder, ignore_errors=True)
    editable = previews[:PREVIEW_FORMS]
    keys = {p.key for p in editable}
    if request.method == "POST":
        formset = DocumentFormSet(request.POST)
        if formset.is_valid() and {f.cleaned_data.get("key") for f in formset} == keys:
            summary = _run_import(folder, formset, request.user)
            shutil.rmtree(folder, ignore_errors=True)
            return render(
                request,
                "admin/archive/import_result.html",
                _context(request, "Import finished", summary=summary),
                status=200 if not summary.failed else 422,
            )
        if formset.is_valid():
            formset._non_form_errors = formset.error_class(
                ["The documents changed since the preview; please review them again."]
            )
    else:
        formset = DocumentFormSet(initial=[_initial(p.key, p.doc) for p in editable])
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
            token=token,
            preview_forms=PREVIEW_FORMS,
        ),
    )


def _run_import(folder: Path, formset, user) -> ImportSummary:
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
    return import_paths(
        [],
        inputs=stored_inputs(folder),
        manifest=stored_manifest(folder),
        overrides=overrides,
        skip=frozenset(skip),
        user=user,
    )
