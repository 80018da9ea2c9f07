"""The import pipeline: paths (files, directories, zip archives) → parsed documents → loader.

Used by `manage.py import_articles` and the admin upload. Files are read, parsed and saved one
at a time (a feed one entry at a time), so memory stays bounded by the largest file, whatever
their number. Each document is saved atomically (a savepoint in a short batch transaction, see
loader.ImportSession); a failure is recorded with its path and reason and the others go on.

Zip archives are read member by member, streaming with a size cap, after checking the whole
directory first: too many members, too much uncompressed data, a member that expands more than
AGORA_IMPORT_MAX_RATIO times (a zip bomb), or an unsafe name (absolute, "..", a drive letter)
refuses the whole archive before anything is imported from it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings

from archive.models import BoilerplatePattern
from imports.loader import OVERRIDE_FIELDS, load_document
from imports.parsers.base import ParsedDocument, ParseError
from imports.parsers.detect import FORMATS, detect_format
from imports.parsers.feed import parse_feed
from imports.parsers.html import parse_html
from imports.parsers.text import parse_text
from imports.writer import ImportSession

log = logging.getLogger(__name__)

MANIFEST_COLUMNS = ("file", *OVERRIDE_FIELDS)
_CHUNK = 64 * 1024
EXPORT_SUFFIXES = (".jsonl", ".ndjson")  # past the file limit, read far enough to refuse
BACKUP_REFUSED = (
    "this is a whole-site backup (a JSON Lines export), not articles: nothing was imported. "
    "Restore it into an empty site with `manage.py restore_archive FILE`"
)
_DRIVE = re.compile(r"^[A-Za-z]:")
# Ratios are only judged above this size: tiny files of repeated text compress absurdly well.
_RATIO_FLOOR = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_files: int
    max_total_bytes: int
    max_file_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_files=settings.AGORA_IMPORT_MAX_FILES,
            max_total_bytes=settings.AGORA_IMPORT_MAX_TOTAL_BYTES,
            max_file_bytes=settings.AGORA_IMPORT_MAX_FILE_BYTES,
            max_ratio=settings.AGORA_IMPORT_MAX_RATIO,
        )


@dataclass
class InputFile:
    path: str  # shown in reports, and the key of the file's documents
    name: str  # the base name, matched against the manifest's "file" column
    data: bytes
    # An export (.jsonl) on disk past the file limit: `data` holds only its first bytes, enough
    # to recognize the backup and refuse it with BACKUP_REFUSED.
    disk: Path | None = None
    member: str = ""  # its path inside the zip archive it came in

    @property
    def provenance_name(self) -> str:
        """What an article's provenance records: the path inside a zip ("feeds/a.atom"), else
        the file's name."""
        return (self.member or self.name)[:500]


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class DocumentReport:
    path: str
    title: str
    outcome: str
    article_id: int | None


@dataclass
class ImportSummary:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    documents: list[DocumentReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def as_dict(self) -> dict:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "failures": [{"path": f.path, "reason": f.reason} for f in self.failures],
        }

    def count(self, outcome: str, amount: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + amount)


# --- reading inputs ---------------------------------------------------------------------------


def is_skipped(name: str) -> bool:
    """Hidden files, READMEs and manifests sit beside articles; they are not articles."""
    base = PurePosixPath(name).name
    lowered = base.lower()
    return (
        base.startswith(".")
        or lowered.startswith("readme")
        or (lowered.startswith("manifest") and lowered.endswith(".csv"))
        or "__MACOSX" in PurePosixPath(name).parts
    )


def unsafe_member_name(name: str) -> str | None:
    """Why a zip member's name could write outside the archive (zip slip), or None."""
    if not name or "\x00" in name:
        return "an empty or NUL-bearing name"
    normalized = name.replace("\\", "/")
    if normalized.startswith("/"):
        return "an absolute path"
    if _DRIVE.match(normalized):
        return "a drive letter"
    if ".." in normalized.split("/"):
        return "a '..' component"
    return None


def _read_capped(stream: IO[bytes], cap: int, what: str) -> bytes:
    buffer = io.BytesIO()
    while chunk := stream.read(_CHUNK):
        buffer.write(chunk)
        if buffer.tell() > cap:
            raise ParseError(f"{what} is larger than {cap:,} bytes")
    return buffer.getvalue()


def check_zip(archive: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    """The members to read, after refusing archives that are too big, bombs or zip slips."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > limits.max_files:
        raise ParseError(
            f"the archive holds {len(members):,} files; the limit is {limits.max_files:,}"
        )
    total = 0
    for info in members:
        reason = unsafe_member_name(info.filename)
        if reason:
            raise ParseError(
                f"the archive member {info.filename[:200]!r} has {reason}, so it could be "
                "written outside the archive: the archive is refused"
            )
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and (
            info.file_size > limits.max_ratio * max(info.compress_size, 1)
        ):
            raise ParseError(
                f"the archive member {info.filename[:200]!r} expands "
                f"{info.file_size // max(info.compress_size, 1):,} times, to "
                f"{info.file_size:,} bytes (the limit is {limits.max_ratio} times): "
                "a zip bomb is refused"
            )
    if total > limits.max_total_bytes:
        raise ParseError(
            f"the archive expands to {total:,} bytes; the limit is {limits.max_total_bytes:,}"
        )
    return sorted(members, key=lambda info: info.filename)


def iter_zip(
    display: str, source: str | Path | IO[bytes], limits: Limits
) -> Iterator[InputFile | Failure]:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield Failure(display, f"not a readable zip archive: {exc}")
        return
    with archive:
        try:
            members = check_zip(archive, limits)
        except ParseError as exc:
            yield Failure(display, str(exc))
            return
        total = 0
        for info in members:
            path = f"{display}/{info.filename}"
            if is_skipped(info.filename):
                continue
            if info.flag_bits & 0x1:
                yield Failure(path, "the member is encrypted")
                continue
            if info.filename.lower().endswith(".zip"):
                yield Failure(path, "zip archives inside a zip archive are refused")
                continue
            cap = min(info.file_size, limits.max_file_bytes, limits.max_total_bytes - total)
            try:
                with archive.open(info) as stream:
                    # The directory's sizes can lie; the cap holds whatever the stream yields.
                    data = _read_capped(stream, cap, "the member")
            except ParseError as exc:
                yield Failure(path, f"{exc} (its declared size is {info.file_size:,})")
                continue
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
                yield Failure(path, f"the member cannot be read: {exc}")
                continue
            total += len(data)
            if data.startswith(b"PK\x03\x04"):
                yield Failure(path, "zip archives inside a zip archive are refused")
                continue
            yield InputFile(path, PurePosixPath(info.filename).name, data, member=info.filename)


def _iter_file(path: Path, display: str, limits: Limits) -> Iterator[InputFile | Failure]:
    try:
        if zipfile.is_zipfile(path):
            yield from iter_zip(display, path, limits)
            return
        size = path.stat().st_size
        if size > limits.max_file_bytes and path.suffix.lower() in EXPORT_SUFFIXES:
            with path.open("rb") as stream:
                head = stream.read(_CHUNK)
            yield InputFile(display, path.name, head, disk=path)
            return
        if size > limits.max_file_bytes:
            yield Failure(
                display,
                f"the file is too large: {size:,} bytes; the limit is {limits.max_file_bytes:,}",
            )
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Failure(display, f"cannot read the file: {exc.strerror or exc}")
        return
    yield InputFile(display, path.name, data)


def iter_inputs(
    paths: Iterable[str | Path], limits: Limits, *, relative_to: Path | None = None
) -> Iterator[InputFile | Failure]:
    """Every importable file under `paths`, in a stable order, read one at a time.

    With `relative_to`, files under a directory are named relative to it (the admin's uploads).
    """
    for given in paths:
        path = Path(given)
        if path.is_dir() and relative_to is not None:
            for file in _walk(path):
                yield from _iter_file(file, str(file.relative_to(relative_to)), limits)
        elif path.is_dir():
            for file in _walk(path):
                yield from _iter_file(file, str(file), limits)
        elif path.is_file():
            yield from _iter_file(path, str(given), limits)
        else:
            yield Failure(str(given), "no such file or directory")


def _walk(path: Path) -> list[Path]:
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file()
        and not is_skipped(p.name)
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )


def count_inputs(paths: Iterable[str | Path]) -> int:
    """How many files `iter_inputs` will look at, cheaply (for the progress bar)."""
    total = 0
    for given in paths:
        path = Path(given)
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file() and not is_skipped(p.name))
        else:
            total += 1
    return total


# --- manifest ---------------------------------------------------------------------------------


def read_manifest(data: bytes | str) -> dict[str, dict[str, str]]:
    """Rows of a manifest CSV keyed by file name; ParseError for a malformed manifest."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError("the manifest is not UTF-8 text") from exc
    reader = csv.DictReader(io.StringIO(data))
    columns = reader.fieldnames or []
    if "file" not in columns:
        raise ParseError(
            f"the manifest has no 'file' column (columns: {', '.join(MANIFEST_COLUMNS)})"
        )
    unknown = [c for c in columns if c not in MANIFEST_COLUMNS]
    if unknown:
        raise ParseError(f"the manifest has unknown column(s): {', '.join(unknown)}")
    rows: dict[str, dict[str, str]] = {}
    try:
        for row in reader:
            name = (row.get("file") or "").strip()
            if name:
                rows[PurePosixPath(name).name] = {
                    key: (value or "").strip()
                    for key, value in row.items()
                    if key in OVERRIDE_FIELDS and value
                }
    except csv.Error as exc:
        raise ParseError(f"the manifest is not valid CSV: {exc}") from exc
    return rows


# --- parsing ----------------------------------------------------------------------------------


def boilerplate_patterns() -> list[str]:
    """The admin's extra boilerplate patterns (validated on save; any broken one is skipped)."""
    patterns = []
    for pattern in BoilerplatePattern.objects.values_list("pattern", flat=True):
        try:
            re.compile(pattern)
        except re.error:
            log.warning("skipping invalid boilerplate pattern %r", pattern)
            continue
        patterns.append(pattern)
    return patterns


def file_format(item: InputFile, requested: str) -> str:
    if requested not in ("auto", *FORMATS):
        raise ParseError(f"unknown format {requested!r}")
    return detect_format(item.name, item.data) if requested == "auto" else requested


def parse_documents(
    item: InputFile, fmt: str, boilerplate: Iterable[str] = ()
) -> Iterator[tuple[str, ParsedDocument]]:
    """(key, document) for each document in a file: one, or one per feed entry."""
    if fmt == "text":
        yield item.path, parse_text(item.data, extra_boilerplate=boilerplate)
    elif fmt == "html":
        yield item.path, parse_html(item.data)
    elif fmt == "feed":
        for number, doc in enumerate(parse_feed(item.data), start=1):
            yield f"{item.path}#{number}", doc
    else:
        raise ParseError(f"format {fmt!r} holds no articles to preview")


# --- importing --------------------------------------------------------------------------------

Progress = Callable[[int, int, str], None]


def import_paths(
    paths: Iterable[str | Path],
    *,
    manifest: dict[str, dict[str, str]] | None = None,
    source: str = "",
    format: str = "auto",
    dry_run: bool = False,
    user=None,
    overrides: dict[str, dict[str, str]] | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    inputs: Iterable[InputFile | Failure] | None = None,
    skip: frozenset[str] = frozenset(),
    summary: ImportSummary | None = None,
) -> ImportSummary:
    """Import every document under `paths`; return the counts and the failures.

    `manifest` rows (by file name) and then `overrides` (by document key, from the admin's
    preview) replace what the parsers detected; `source` names the source of documents that
    have none from the manifest. Documents whose key is in `skip` are left out. A `summary`
    passed in is filled as the import goes (the admin's progress page shows its failures).
    """
    paths = list(paths)
    limits = limits or Limits.from_settings()
    summary = summary if summary is not None else ImportSummary()
    boilerplate = boilerplate_patterns()
    total = count_inputs(paths) if progress else 0
    items = inputs if inputs is not None else iter_inputs(paths, limits)
    batch = _Batch(summary)
    with ImportSession() as session:
        for done, item in enumerate(items, start=1):
            if progress:
                progress(done, max(total, done), item.path)
            if isinstance(item, Failure):
                summary.failures.append(item)
                continue
            _import_file(
                item,
                summary,
                manifest,
                source,
                format,
                dry_run,
                user,
                overrides,
                boilerplate,
                skip,
                session,
                batch,
            )
            if session.batch_is_due:
                batch.commit(session)
        batch.commit(session)
    return summary


class _Batch:
    """The documents saved in the session's open batch: reported as saved only if it commits."""

    def __init__(self, summary: ImportSummary) -> None:
        self.summary = summary
        self.reports: list[DocumentReport] = []

    def commit(self, session: ImportSession) -> None:
        reports, self.reports = self.reports, []
        try:
            session.commit()
        except Exception as exc:
            log.exception("committing %d imported documents failed", len(reports))
            for report in reports:
                self.summary.count(report.outcome, -1)
                self.summary.documents.remove(report)
                self.summary.failures.append(Failure(report.path, f"could not be saved: {exc}"))


def _import_file(
    item,
    summary,
    manifest,
    source,
    fmt,
    dry_run,
    user,
    overrides,
    boilerplate,
    skip,
    session,
    batch,
):
    try:
        fmt = file_format(item, fmt)
        if fmt == "jsonl":
            # A site backup replaces users and moderation history: never from an upload.
            raise ParseError(BACKUP_REFUSED)
        if item.disk:
            raise ParseError("the file is too large to import")
        sha256 = hashlib.sha256(item.data).hexdigest()
        documents = parse_documents(item, fmt, boilerplate)
        for key, doc in documents:
            if key in skip:
                continue
            cells = dict(manifest.get(item.name, {})) if manifest else {}
            if source and not cells.get("source"):
                cells["source"] = source
            cells.update((overrides or {}).get(key, {}))
            try:
                result = load_document(
                    doc,
                    file_name=item.provenance_name,
                    sha256=sha256,
                    format=fmt,
                    user=user,
                    overrides=cells,
                    dry_run=dry_run,
                    session=session,
                )
            except ParseError as exc:
                summary.failures.append(Failure(key, str(exc)))
                continue
            except Exception as exc:  # a database error must not stop the other documents
                log.exception("importing %s failed", key)
                summary.failures.append(Failure(key, f"could not be saved: {exc}"))
                continue
            report = DocumentReport(key, result.article.title, result.outcome, result.article.pk)
            summary.count(result.outcome)
            summary.documents.append(report)
            if not dry_run:
                batch.reports.append(report)
            summary.warnings += [f"{key}: {w}" for w in result.warnings]
    except ParseError as exc:
        summary.failures.append(Failure(item.path, str(exc)))
    except RecursionError:
        summary.failures.append(Failure(item.path, "the file nests too deeply to be read"))
    except Exception as exc:  # a parser crash on hostile input is one failure, not an abort
        log.exception("reading %s failed", item.path)
        summary.failures.append(
            Failure(item.path, f"could not be read: {exc.__class__.__name__}: {exc}")
        )
