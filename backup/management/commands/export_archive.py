"""`manage.py export_archive OUT.jsonl` (or `-` for stdout): the whole archive as JSON Lines.

The weekly backup is `manage.py export_archive archive-$(date +%F).jsonl`; a name without an
extension gets ".jsonl". `manage.py restore_archive FILE` puts it back."""

from __future__ import annotations

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from backup.export import export_archive


class Command(BaseCommand):
    help = (
        "Export users, sources, authors, articles, comments and moderation history as JSON "
        "Lines (see README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT.jsonl", help="File to write, or - for stdout.")
        parser.add_argument(
            "--include-private",
            action="store_true",
            help="Also export users' e-mail addresses, password hashes, staff flags and groups "
            "(a full backup; keep the file safe). Without it users are public profiles only.",
        )

    def handle(self, *args, out: str, include_private: bool = False, **options):
        if out == "-":
            # Lines end with "\n", so the wrapper adds nothing; call_command can capture it.
            count = export_archive(self.stdout, include_private=include_private)
        else:
            if not Path(out).suffix:
                out += ".jsonl"
            try:
                with open(out, "w", encoding="utf-8", newline="\n") as handle:
                    count = export_archive(handle, include_private=include_private)
            except OSError as exc:
                raise CommandError(f"cannot write {out}: {exc.strerror}") from exc
            self.stderr.write(f"Wrote {count} line(s) to {out}.")
