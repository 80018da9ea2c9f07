"""`manage.py import_articles PATH… [--manifest CSV] [--source NAME] [--format …] [--dry-run]
[--json]`: import text, HTML, feed or JSON Lines files, directories or zip archives."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from imports.parsers.base import ParseError
from imports.pipeline import ImportSummary, import_paths, read_manifest


class Command(BaseCommand):
    help = "Import articles from files, directories or zip archives (see README: Import)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--manifest", help="CSV of known metadata, matched by file name.")
        parser.add_argument(
            "--source", default="", help="Source of files the manifest does not name."
        )
        parser.add_argument(
            "--format", default="auto", choices=["auto", "text", "html", "feed", "jsonl"]
        )
        parser.add_argument("--dry-run", action="store_true", help="Parse and check; save nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object on stdout.")

    def handle(self, *args, paths, manifest=None, source="", format="auto", **options):
        rows = None
        if manifest:
            try:
                rows = read_manifest(Path(manifest).read_bytes())
            except OSError as exc:
                raise CommandError(f"cannot read the manifest {manifest}: {exc.strerror}") from exc
            except ParseError as exc:
                raise CommandError(f"{manifest}: {exc}") from exc
        summary = import_paths(
            paths,
            manifest=rows,
            source=source.strip(),
            format=format,
            dry_run=options["dry_run"],
            progress=self._progress if sys.stderr.isatty() and not options["json"] else None,
        )
        if sys.stderr.isatty() and not options["json"]:
            sys.stderr.write("\n")
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
        else:
            self._report(summary, options["dry_run"])
        if summary.failed:
            raise SystemExit(1)

    def _progress(self, done: int, total: int, path: str) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        name = path[-40:]
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<40}")
        sys.stderr.flush()

    def _report(self, summary: ImportSummary, dry_run: bool) -> None:
        prefix = "Dry run, nothing saved: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{summary.imported} imported, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {summary.failed} failed."
        )
        for warning in summary.warnings:
            self.stdout.write(f"  note: {warning}")
        for failure in summary.failures:
            self.stderr.write(f"  FAILED {failure.path}: {failure.reason}")
