"""Apply web.text's rule to the text already stored, and say what it changed:

    manage.py clean_stored_text [--dry-run] [--model archive.Article ...]

Rows written before the rule existed (or by raw SQL) may hold characters no page, feed or
export can carry. Each text field an outsider could fill is cleaned as the boundary would have
cleaned it; rows are updated one by one (update(), not save(): nothing else about them changes),
and a change that would collide with a unique name is reported and left alone.
"""

from __future__ import annotations

from collections import Counter

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from archive.models import Article
from web import pagecache
from web.text import clean_text

# model label -> ((field, single line), ...)
FIELDS: dict[str, tuple[tuple[str, bool], ...]] = {
    "archive.Source": (("name", True), ("description", False)),
    "archive.Author": (("name", True),),
    "archive.Article": (
        ("title", True),
        ("kicker", True),
        ("dek", True),
        ("body_html", False),
        ("body_text", False),
    ),
    "archive.ArticleRevision": (("title", True), ("body_html", False), ("body_text", False)),
    "comments.Comment": (
        ("archived_author_name", True),
        ("body_source", False),
        ("body_html", False),
    ),
    "comments.CommentRevision": (("body_source", False), ("body_html", False)),
    "accounts.Profile": (("display_name", True), ("bio", False), ("bio_html", False)),
    "moderation.SiteRule": (("title", True), ("description", False)),
    "moderation.Hold": (("detail", False),),
    "moderation.Flag": (("note", False),),
    "moderation.StandingChange": (("reason", False),),
    "moderation.UserNote": (("body", False),),
    "moderation.LogEntry": (("rule_title", True), ("reason", False)),
    "moderation.ModerationSettings": (("banned_words", False), ("suspect_words", False)),
}
# Their content hash (title + plain text) identifies an unchanged re-import: kept in step.
_HASHED = {"archive.Article", "archive.ArticleRevision"}


class Command(BaseCommand):
    help = "Remove characters pages, feeds and the export cannot carry from stored text."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report; change nothing.")
        parser.add_argument(
            "--model",
            action="append",
            default=[],
            metavar="APP.MODEL",
            help=f"Only this model (repeatable): {', '.join(FIELDS)}.",
        )

    def handle(self, *, dry_run: bool, model: list[str], **options):
        labels = self._labels(model)
        changes: Counter[str] = Counter()
        skipped: list[str] = []
        for label in labels:
            rows, collisions = self._clean_model(label, dry_run, changes)
            skipped += collisions
        for key, count in changes.items():
            self.stdout.write(f"{key}: {count:,} row{'s' if count != 1 else ''}")
        for line in skipped:
            self.stderr.write(line)
        total = sum(changes.values())
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"{verb} {total:,} field value{'s' if total != 1 else ''}")
        if total and not dry_run:
            pagecache.invalidate()
            self.stdout.write("Run `manage.py rebuild_search_index` to refresh the search index.")

    def _labels(self, given: list[str]) -> list[str]:
        if not given:
            return list(FIELDS)
        known = {label.lower(): label for label in FIELDS}
        known |= {label.split(".")[1].lower(): label for label in FIELDS}
        labels = []
        for name in given:
            label = known.get(name.lower())
            if label is None:
                raise CommandError(f"unknown model {name!r}: choose from {', '.join(FIELDS)}")
            labels.append(label)
        return labels

    def _clean_model(self, label: str, dry_run: bool, changes: Counter) -> tuple[int, list[str]]:
        model = apps.get_model(label)
        fields = FIELDS[label]
        names = [name for name, _ in fields]
        rows = 0
        collisions = []
        queryset = model.objects.order_by("pk").only("pk", *names)
        for row in queryset.iterator(chunk_size=1000):
            update = {}
            for name, single_line in fields:
                value = getattr(row, name) or ""
                cleaned = clean_text(value, single_line=single_line)
                if cleaned != value:
                    update[name] = cleaned
            if not update:
                continue
            if label in _HASHED:
                title = update.get("title", row.title)
                update["content_hash"] = Article.hash_content(
                    title, update.get("body_text", row.body_text)
                )
            if not dry_run:
                try:
                    with transaction.atomic():
                        model.objects.filter(pk=row.pk).update(**update)
                except IntegrityError as error:
                    collisions.append(f"{label} {row.pk}: left as it is ({error})")
                    continue
            rows += 1
            for name in update:
                if name != "content_hash":
                    changes[f"{label}.{name}"] += 1
        return rows, collisions
