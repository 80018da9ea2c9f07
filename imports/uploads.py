"""An admin upload while it waits in AGORA_IMPORT_DIR/<token>/: its files, its manifest,
what reading it found (the preview) and where its import stands.

The folder is the upload's whole state, shared by every app server (the import folder is on
shared storage where there are several) and by the worker that reads and imports it:
- files/ and manifest.csv: what the admin uploaded, never in hidden form fields;
- meta.json: who uploaded it, and when (an upload lives AGORA_IMPORT_EXPIRY_SECONDS);
- state.json: the stage ("reading", "preview", "importing", "done") and its progress;
- previews.json: what reading found, for the preview page;
- choices.json: the admin's corrections, for the import;
- result.json: the import's summary.
Every file is written whole and renamed into place, so a reader never sees half of one.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.text import get_valid_filename

from archive.dates import iso_partial_date
from imports.loader import apply_overrides
from imports.parsers.base import ParsedDocument, ParseError, walk
from imports.pipeline import (
    BACKUP_REFUSED,
    Failure,
    ImportSummary,
    Limits,
    boilerplate_patterns,
    file_format,
    is_skipped,
    iter_inputs,
    parse_documents,
    read_manifest,
)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
# The preview shows the start of each thread: enough to see its shape and who wrote it.
PREVIEW_COMMENTS = 30


def stored_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    try:
        return get_valid_filename(base)[:200]
    except Exception:  # SuspiciousFileOperation for names like ".."
        return "upload"


def import_root() -> Path:
    return Path(settings.AGORA_IMPORT_DIR)


def _write_json(path: Path, value) -> None:
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    partial.write_text(json.dumps(value))
    os.replace(partial, path)


def _read_json(path: Path, default=None):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return default


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


def count_files(folder: Path) -> int:
    """How many files the upload holds, a zip's members counted one by one (the progress
    bar's total; zips were checked at upload, so their directories are readable)."""
    total = 0
    for path in sorted((folder / "files").rglob("*")):
        if not path.is_file() or is_skipped(path.name):
            continue
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                total += sum(
                    1
                    for info in archive.infolist()
                    if not info.is_dir() and not is_skipped(info.filename)
                )
        else:
            total += 1
    return total


def store_upload(files, manifest, user) -> str:
    token = secrets.token_urlsafe(24)
    folder = import_root() / token
    (folder / "files").mkdir(parents=True)
    for upload in files:
        with open(folder / "files" / stored_name(upload.name), "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    if manifest:
        (folder / "manifest.csv").write_bytes(manifest.read())
    _write_json(folder / "meta.json", {"user": user.pk, "created": time.time()})
    write_state(folder, stage="reading", done=0, total=count_files(folder))
    return token


def live_folder(token: str) -> Path | None:
    """The folder of an upload that has not expired, or None."""
    if not _TOKEN.fullmatch(token):
        return None
    folder = import_root() / token
    meta = _read_json(folder / "meta.json")
    if meta is None:
        return None
    if meta.get("created", 0) < time.time() - settings.AGORA_IMPORT_EXPIRY_SECONDS:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return folder


def upload_folder(token: str, user) -> Path:
    """The folder of a live upload of this user, or 404."""
    folder = live_folder(token)
    if folder is None:
        raise Http404("This upload has expired or is unknown; upload it again.")
    if _read_json(folder / "meta.json", {}).get("user") != user.pk:
        raise PermissionDenied("This upload belongs to another user.")
    return folder


def uploader(folder: Path):
    user_id = _read_json(folder / "meta.json", {}).get("user")
    return get_user_model().objects.filter(pk=user_id).first()


def read_state(folder: Path) -> dict:
    return _read_json(folder / "state.json", {})


def write_state(folder: Path, **state) -> None:
    _write_json(folder / "state.json", {**read_state(folder), **state, "at": time.time()})


def stored_manifest(folder: Path) -> dict[str, dict[str, str]] | None:
    path = folder / "manifest.csv"
    return read_manifest(path.read_bytes()) if path.exists() else None


def stored_inputs(folder: Path):
    files = folder / "files"
    return iter_inputs([files], Limits.from_settings(), relative_to=files)


# --- the preview ------------------------------------------------------------------------------


@dataclass
class Preview:
    key: str
    format: str
    title: str
    kicker: str
    dek: str
    source_name: str
    source_url: str
    url: str
    authors: list[str]
    paragraph_count: int
    date_text: str
    body_start: list[str]
    comments: list[tuple[str, int, str]]  # (author, depth, first words)
    comment_total: int
    form: object = None
    tree: list[dict] = field(default_factory=list)

    def initial(self) -> dict:
        return {
            "key": self.key,
            "include": True,
            "title": self.title[:500],
            "kicker": self.kicker[:200],
            "dek": self.dek[:1000],
            "source": self.source_name[:200],
            "source_url": self.source_url[:500],
            "url": self.url[:1000],
            "published": self.date_text,
            "author": "; ".join(self.authors),
        }


def preview_of(key: str, doc: ParsedDocument, fmt: str) -> Preview:
    comments = []
    total = 0
    for depth, comment in walk(doc.comments):
        total += 1
        if total <= PREVIEW_COMMENTS:
            words = comment.body.split()
            words = " ".join(words[:16]) + (" …" if len(words) > 16 else "")
            comments.append((comment.author_name or "", depth, words))
    return Preview(
        key=key,
        format=fmt,
        title=doc.title,
        kicker=doc.kicker,
        dek=doc.dek,
        source_name=doc.source_name,
        source_url=doc.source_url,
        url=doc.url,
        authors=list(doc.authors),
        paragraph_count=len(doc.paragraphs),
        date_text=date_text(doc),
        body_start=[p[:300] + ("…" if len(p) > 300 else "") for p in doc.paragraphs[:2]],
        comments=comments,
        comment_total=total,
    )


def date_text(doc: ParsedDocument) -> str:
    return iso_partial_date(doc.published, doc.precision)


def build_previews(
    folder: Path, progress=None, failures: list[Failure] | None = None
) -> tuple[list[Preview], list[Failure]]:
    """Every document of the upload, for the preview, and the files that cannot be imported
    (appended to `failures` as they are found, so that the progress page can show them)."""
    manifest = stored_manifest(folder) or {}
    boilerplate = boilerplate_patterns()
    previews: list[Preview] = []
    failures = failures if failures is not None else []
    total = count_files(folder)
    for done, item in enumerate(stored_inputs(folder), start=1):
        if progress:
            progress(done, max(done, total))
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
                previews.append(preview_of(key, doc, fmt))
        except ParseError as exc:
            failures.append(Failure(item.path, str(exc)))
        except Exception as exc:  # a parser crash on hostile input is shown, never a 500
            failures.append(Failure(item.path, f"could not be read: {exc.__class__.__name__}"))
    return previews, failures


def store_previews(folder: Path, previews, failures) -> None:
    _write_json(
        folder / "previews.json",
        {
            "previews": [
                {k: v for k, v in asdict(p).items() if k not in ("form", "tree")} for p in previews
            ],
            "failures": [asdict(f) for f in failures],
        },
    )


def stored_previews(folder: Path) -> tuple[list[Preview], list[Failure]] | None:
    data = _read_json(folder / "previews.json")
    if data is None:
        return None
    previews = [
        Preview(**{**p, "comments": [tuple(c) for c in p["comments"]]}) for p in data["previews"]
    ]
    return previews, [Failure(**f) for f in data["failures"]]


# --- the import -------------------------------------------------------------------------------


def store_choices(folder: Path, overrides: dict, skip: set[str]) -> None:
    _write_json(folder / "choices.json", {"overrides": overrides, "skip": sorted(skip)})


def read_choices(folder: Path) -> dict:
    return _read_json(folder / "choices.json", {"overrides": {}, "skip": []})


def finish(folder: Path, summary: ImportSummary) -> None:
    _write_json(
        folder / "result.json",
        {
            **summary.as_dict(),
            "documents": [asdict(d) for d in summary.documents],
            "warnings": summary.warnings,
        },
    )
    write_state(folder, stage="done")
    # The uploaded bytes are no longer needed (removed only once the stage says done, so a
    # worker killed before it runs the import again); the summary stays until expiry.
    shutil.rmtree(folder / "files", ignore_errors=True)


def result(folder: Path) -> dict | None:
    return _read_json(folder / "result.json")
