"""What the moderation queue lists, and the per-page facts about each item, computed with a
fixed number of queries whatever the page size."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from comments.models import Comment, CommentStatus

from .models import Flag, Hold, LogAction, LogEntry
from .standing import Standing, standings_for

TABS = {
    "pending": "Pending",
    "flagged": "Flagged",
    "new": "New",
    "removed": "Removed",
}
NEW_DAYS = 14


def queue(tab: str) -> QuerySet:
    comments = Comment.objects.select_related(
        "article", "user__profile", "parent__user"
    ).prefetch_related(
        Prefetch("flags", queryset=Flag.objects.filter(resolved=False).select_related("reader")),
        Prefetch("holds", queryset=Hold.objects.filter(resolved=False)),
    )
    if tab == "pending":
        return comments.filter(status=CommentStatus.PENDING).order_by("added", "id")
    if tab == "flagged":
        open_flags = Flag.objects.filter(comment=OuterRef("pk"), resolved=False)
        open_holds = Hold.objects.filter(comment=OuterRef("pk"), resolved=False)
        return (
            comments.filter(Exists(open_flags) | Exists(open_holds))
            .exclude(status__in=[CommentStatus.REMOVED, CommentStatus.SPAM])
            .order_by("added", "id")
        )
    if tab == "removed":
        return comments.filter(status__in=[CommentStatus.REMOVED, CommentStatus.SPAM]).order_by(
            "-added", "-id"
        )
    since = timezone.now() - datetime.timedelta(days=NEW_DAYS)
    return comments.filter(added__gte=since).order_by("-added", "-id")


def tab_counts() -> dict[str, int]:
    """How many items wait in Pending and Flagged (one query)."""
    open_flags = Flag.objects.filter(comment=OuterRef("pk"), resolved=False)
    open_holds = Hold.objects.filter(comment=OuterRef("pk"), resolved=False)
    counts = Comment.objects.aggregate(
        pending=Count("id", filter=Q(status=CommentStatus.PENDING)),
        flagged=Count(
            "id",
            filter=(Q(Exists(open_flags)) | Q(Exists(open_holds)))
            & ~Q(status__in=[CommentStatus.REMOVED, CommentStatus.SPAM]),
        ),
    )
    return counts


@dataclass(frozen=True)
class Record:
    approved: int = 0
    removed: int = 0
    flags_received: int = 0


def records_for(user_ids) -> dict[int, Record]:
    """Each author's record: comments published, removed (or spam) and flags received; two
    aggregate queries for the whole page."""
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return {}
    rows = (
        Comment.objects.filter(user_id__in=ids)
        .values("user_id")
        .annotate(
            approved=Count("id", filter=Q(status=CommentStatus.PUBLISHED)),
            removed=Count("id", filter=Q(status__in=[CommentStatus.REMOVED, CommentStatus.SPAM])),
        )
        .order_by()
    )
    flags = dict(
        Flag.objects.filter(comment__user_id__in=ids)
        .values("comment__user_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("comment__user_id", "n")
    )
    return {
        row["user_id"]: Record(row["approved"], row["removed"], flags.get(row["user_id"], 0))
        for row in rows
    }


@dataclass(frozen=True)
class Author:
    record: Record
    standing: Standing


def authors_for(comments) -> dict[int, Author]:
    ids = {c.user_id for c in comments if c.user_id}
    records = records_for(ids)
    standings = standings_for(ids)
    return {pk: Author(records.get(pk, Record()), standings[pk]) for pk in ids}


def removal_entries(comment_ids) -> dict[int, LogEntry]:
    """The log entry explaining each removed comment ({comment_id: entry}), in one query, for
    a thread's placeholders to link to."""
    entries: dict[int, LogEntry] = {}
    rows = LogEntry.objects.filter(
        comment_id__in=list(comment_ids), action__in=[LogAction.REMOVE, LogAction.SPAM]
    ).order_by("created", "id")
    for entry in rows:
        entries[entry.comment_id] = entry  # the latest wins
    return entries


def flagged_ids(viewer, comment_ids, *, article_id: int | None = None) -> set[int]:
    """Which of these comments the viewer has already reported (one query per page). With
    the comments' article, the query asks for the reader's reports on that article instead
    of listing every id (a whole thread on one page has thousands)."""
    if not (viewer and viewer.is_authenticated):
        return set()
    if article_id is not None:
        reported = Flag.objects.filter(reader=viewer, comment__article_id=article_id)
        return set(reported.values_list("comment_id", flat=True)) & set(comment_ids)
    return set(
        Flag.objects.filter(reader=viewer, comment_id__in=list(comment_ids)).values_list(
            "comment_id", flat=True
        )
    )
