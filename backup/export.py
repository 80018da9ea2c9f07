"""The archive as JSON Lines: one object per line, parents before children.

Every line has "type" and "id"; ids are the database primary keys, and `manage.py
restore_archive` (backup/reading.py + backup/restore.py) restores them as the same keys, so
exporting, restoring into an empty database and exporting again gives the same bytes.

What each line holds is backup/fields.py's table for its type, read here and by the restore;
the tables are written in their order (users and the moderation rules first, then the archive,
then what hangs off comments, the log last).

Users are exported as their public profile (username, display name, bio, date joined, whether
the account is active). Their e-mail address, password hash, staff flags, groups and
notification preference only with `include_private` (`export_archive --include-private`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.contrib.auth import get_user_model
from django.db import models

from accounts.models import Profile
from backup.fields import ARTICLE, COMMENT, TABLES, USER, USER_PRIVATE, Table, username, when
from comments.models import Comment
from web.text import escape_surrogates

CHUNK = 500


@dataclass(frozen=True)
class ExportOptions:
    # E-mail addresses, password hashes, staff flags and groups: a full backup, to keep safe.
    include_private: bool = False


def record_of(table: Table, row: models.Model) -> dict:
    """The line `row` is written as, by its table."""
    record = {"type": table.kind, "id": row.pk}
    for name in table.plain:
        record[name] = getattr(row, name)
    for name in table.datetimes:
        record[name] = when(getattr(row, name))
    for name in table.ids:
        record[name] = getattr(row, f"{name}_id")
    for name in (table.required_user, *table.users) if table.required_user else table.users:
        record[name] = username(getattr(row, name))
    if table.export_extra is not None:
        record |= table.export_extra(row)
    return record


def export_table(table: Table, options: ExportOptions) -> Iterator[dict]:
    rows = table.model.objects.order_by(*table.order)
    if table.related:
        rows = rows.select_related(*table.related)
    if table is ARTICLE:
        rows = rows.prefetch_related("authors")
    for row in rows.iterator(chunk_size=CHUNK):
        yield record_of(table, row)


def export_users(options: ExportOptions) -> Iterator[dict]:
    users = get_user_model().objects.order_by("id").prefetch_related("groups")
    profiles = {p.user_id: p for p in Profile.objects.all()}
    for user in users.iterator(chunk_size=CHUNK):
        profile = profiles.get(user.pk)
        record = record_of(USER, user) | {
            "username": user.get_username(),
            "display_name": profile.display_name if profile else "",
            "bio": profile.bio if profile else "",
        }
        if options.include_private:
            record |= {name: getattr(user, name) for name in USER_PRIVATE}
            record |= {
                "last_login": when(user.last_login),
                "groups": sorted(g.name for g in user.groups.all()),
                "email_notifications": bool(profile and profile.email_notifications),
            }
        yield record


def _tree_order(comments: list[Comment]) -> Iterator[Comment]:
    """Depth first, siblings by position then id: every parent before its replies."""
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.position, c.pk))
    stack = list(reversed(children.get(None, [])))
    while stack:
        comment = stack.pop()
        yield comment
        stack.extend(reversed(children.get(comment.pk, [])))


def export_comments(options: ExportOptions) -> Iterator[dict]:
    # One article's thread at a time: memory stays bounded by the largest thread.
    rows = Comment.objects.order_by(*COMMENT.order).select_related(*COMMENT.related)
    for _, thread in itertools.groupby(rows.iterator(chunk_size=2000), key=lambda c: c.article_id):
        for comment in _tree_order(list(thread)):
            yield record_of(COMMENT, comment)


def export_records(options: ExportOptions) -> Iterator[dict]:
    """Every record of the archive, table by table in TABLES' order."""
    for table in TABLES:
        if table is USER:
            yield from export_users(options)
        elif table is COMMENT:
            yield from export_comments(options)
        else:
            yield from export_table(table, options)


def export_lines(options: ExportOptions | None = None) -> Iterator[str]:
    options = options or ExportOptions()
    for record in export_records(options):
        yield escape_surrogates(json.dumps(record, sort_keys=True, ensure_ascii=False)) + "\n"


def export_archive(out: IO[str], *, include_private: bool = False) -> int:
    """Write the whole archive to `out`; return the number of lines."""
    count = 0
    for line in export_lines(ExportOptions(include_private=include_private)):
        out.write(line)
        count += 1
    return count
