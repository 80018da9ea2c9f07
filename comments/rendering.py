"""The HTML of one thread row, built in Python.

A thread page can hold thousands of comments: one template include per comment costs about
twenty times the database fetch, so each row's markup is assembled here with escaping done
explicitly (`escape`), around `body_html`, which was sanitized once when the comment was
written. The page template then emits the rows in one loop. Everything a row shows depends
only on the row and a `Viewer` computed once per page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .models import UNKNOWN_COMMENTER, CommentStatus, profile_url
from .tree import Node

_PLACEHOLDER_PK = 987654321
PLACEHOLDERS = {
    CommentStatus.DELETED: "[deleted by its author]",
    CommentStatus.REMOVED: "[removed by a moderator]",
}
_CLOSE = "</ol></details></li>"


def _url_pattern(name: str) -> str:
    return reverse(name, args=[_PLACEHOLDER_PK]).replace(str(_PLACEHOLDER_PK), "{}")


@dataclass
class Viewer:
    """Who is looking, and what the page needs to know about them, computed once."""

    user_id: int | None
    is_moderator: bool
    can_post: bool  # the discussion is open (anonymous readers get a log-in link)
    seen_at: datetime.datetime | None
    reply_url: str  # the article's posting page; "?parent=<id>" is appended
    now: datetime.datetime
    tz: datetime.tzinfo = datetime.UTC

    @classmethod
    def for_request(cls, request, article, *, seen_at=None, is_moderator=None) -> Viewer:
        user = request.user
        signed_in = user.is_authenticated
        if is_moderator is None:
            is_moderator = signed_in and user.has_perm("comments.moderate")
        return cls(
            user_id=user.pk if signed_in else None,
            is_moderator=is_moderator,
            can_post=article.discussion_is_open,
            seen_at=seen_at,
            reply_url=reverse("comments:post", args=[article.slug]),
            now=timezone.now(),
            tz=timezone.get_current_timezone(),
        )


def relative_time(value: datetime.datetime, now: datetime.datetime) -> str:
    seconds = (now - value).total_seconds()
    if seconds < 60:
        return "just now"
    for size, unit in ((31_536_000, "year"), (2_592_000, "month"), (86_400, "day")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    if seconds >= 3600:
        count = int(seconds // 3600)
        return f"{count} hour{'s' if count != 1 else ''} ago"
    count = int(seconds // 60)
    return f"{count} minute{'s' if count != 1 else ''} ago"


_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def time_html(value: datetime.datetime, now: datetime.datetime, tz=None) -> str:
    """`<time>` with the relative time shown and the exact one in datetime and title.
    Formatted by hand: strftime and localtime per row are measurable at 5,000 rows."""
    local = value.astimezone(tz or timezone.get_current_timezone())
    exact = (
        f"{local.day} {_MONTHS[local.month]} {local.year}, "
        f"{local.hour:02d}:{local.minute:02d} {local.tzname() or ''}"
    ).rstrip()
    iso = value.isoformat(timespec="seconds")
    return f'<time datetime="{iso}" title="{exact}">{relative_time(value, now)}</time>'


class RowRenderer:
    """Turns nodes into row HTML for one viewer; URL patterns are reversed once."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.permalink = _url_pattern("comments:permalink")
        self.edit = _url_pattern("comments:edit")
        self.delete = _url_pattern("comments:delete")
        self.history = _url_pattern("comments:history")
        self.continue_url = _url_pattern("comments:continue")
        self.profile = profile_url("USERNAME-PLACEHOLDER")

    def author_html(self, node: Node) -> str:
        if node.is_archived:
            name = escape(node.archived_author_name or UNKNOWN_COMMENTER)
            return (
                f'<span class="comment__author comment__author--archived">{name}</span>'
                ' <span class="badge badge--archived">archived comment</span>'
            )
        if node.username is None:
            name = escape(node.archived_author_name) if node.archived_author_name else ""
            return f'<span class="comment__author">{name or "a former member"}</span>'
        name = escape(node.username)
        if self.profile:
            href = self.profile.replace("USERNAME-PLACEHOLDER", escape(node.username))
            return f'<a class="comment__author" href="{href}">{name}</a>'
        return f'<span class="comment__author">{name}</span>'

    def row(self, node: Node, *, with_structure: bool = True) -> SafeString:
        v = self.viewer
        pk = node.id
        status = node.status
        placeholder = PLACEHOLDERS.get(status)
        classes = ["comment"]
        badges = ""
        if node.is_archived:
            classes.append("comment--archived")
        if placeholder:
            classes.append("comment--placeholder")
            head = '<span class="comment__author comment__author--gone">—</span>'
            body = f'<p class="comment__placeholder">{placeholder}</p>'
        else:
            head = self.author_html(node)
            body = node.body_html
        if status == CommentStatus.PENDING:
            classes.append("comment--pending")
            badges += ' <span class="badge badge--pending">awaiting review</span>'
        elif status == CommentStatus.SPAM:
            classes.append("comment--spam")
            badges += ' <span class="badge badge--spam">spam</span>'
        if (
            v.seen_at is not None
            and node.created is not None
            and node.created > v.seen_at
            and node.user_id != v.user_id
            and not placeholder
        ):
            classes.append("comment--new")
            badges += ' <span class="badge badge--new">new</span>'
        permalink = self.permalink.format(pk)
        when = time_html(node.created, v.now, v.tz) if node.created else "date unknown"
        meta = f'{head}{badges} <a class="comment__time" href="{permalink}">{when}</a>'
        mine = v.user_id is not None and node.user_id == v.user_id and not node.is_archived
        if node.edited and not placeholder:
            edited = time_html(node.edited, v.now, v.tz)
            meta += f' <span class="comment__edited">edited {edited}</span>'
        actions = []
        if (
            v.can_post
            and status == CommentStatus.PUBLISHED
            and not node.replies_locked
            and not placeholder
        ):
            actions.append(
                f'<a class="comment__reply" href="{v.reply_url}?parent={pk}#comment-form"'
                f' data-reply-to="{pk}">Reply</a>'
            )
        elif node.replies_locked and not placeholder:
            actions.append('<span class="meta">replies locked</span>')
        actions.append(f'<a href="{permalink}" class="comment__permalink">Link</a>')
        editable = status in (CommentStatus.PUBLISHED, CommentStatus.PENDING)
        if mine and editable:
            actions.append(f'<a href="{self.edit.format(pk)}">Edit</a>')
            actions.append(f'<a href="{self.delete.format(pk)}">Delete</a>')
        if node.edited and (mine or v.is_moderator) and node.user_id is not None:
            actions.append(f'<a href="{self.history.format(pk)}">History</a>')
        html = (
            f'<li class="{" ".join(classes)}" id="c{pk}" data-depth="{node.level}">'
            f'<article class="comment__box" aria-label="Comment {pk}">'
            f'<p class="comment__meta">{meta}</p>'
            f'<div class="comment__body">{body}</div>'
            f'<p class="comment__actions">{" · ".join(actions)}</p></article>'
        )
        if not with_structure:
            return mark_safe(html + "</li>")
        if node.opens:
            count = node.descendants
            html += (
                f'<details open class="comment__replies" data-branch="{pk}">'
                f'<summary><span class="comment__replies-count">{count} '
                f"{'reply' if count == 1 else 'replies'}</span></summary>"
                f'<ol class="thread__list">'
            )
        else:
            if node.cut:
                html += (
                    f'<p class="comment__continue"><a href="{self.continue_url.format(pk)}">'
                    f"Continue this thread ({node.descendants} more) →</a></p>"
                )
            html += "</li>"
            if node.closes > 0:
                html += _CLOSE * node.closes
        return mark_safe(html)

    def rows(self, nodes: list[Node]) -> list[SafeString]:
        return [self.row(node) for node in nodes]
