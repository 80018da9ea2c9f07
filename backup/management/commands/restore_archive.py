"""`manage.py restore_archive FILE [--dry-run] [--json]`: restore a whole-site backup (the JSON
Lines of `export_archive`) into an empty site."""

import json
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from backup.reading import BackupError, parse_jsonl, read_lines
from backup.restore import restore_records


class Command(BaseCommand):
    help = "Restore a whole-site backup (export_archive's JSON Lines) into an empty site."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The backup: a .jsonl file written by export_archive.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and check everything, keep nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object on stdout.")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            # Read a line at a time: a backup grows with the site, past any upload limit.
            with path.open("rb") as stream:
                result = restore_records(
                    parse_jsonl(read_lines(stream)), dry_run=options["dry_run"]
                )
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except BackupError as exc:
            raise CommandError(f"{path}: {exc}; nothing was restored") from exc
        if options["json"]:
            summary = {
                "dry_run": options["dry_run"],
                "counts": result.counts,
                "warnings": result.warnings,
            }
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        prefix = "Dry run, nothing kept: " if options["dry_run"] else "Restored: "
        counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items() if n)
        self.stdout.write(f"{prefix}{counts or 'nothing'}.")
        for warning in result.warnings:
            self.stdout.write(f"  note: {warning}")
