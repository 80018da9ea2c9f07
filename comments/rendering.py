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
from urllib.parse import quote

from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from web.permissions import can_moderate

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
    def for_request(
        cls, request, article, *, seen_at=None, is_moderator=None, blocked: bool = False
    ) -> Viewer:
        user = request.user
        signed_in = user.is_authenticated
        if is_moderator is None:
            is_moderator = can_moderate(user)
        return cls(
            user_id=user.pk if signed_in else None,
            is_moderator=is_moderator,
            can_post=article.discussion_is_open and not blocked,
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


def _split_pattern(name: str) -> tuple[str, str]:
    try:
        before, _, after = _url_pattern(name).partition("{}")
    except NoReverseMatch:  # a URLconf without that app (some tests)
        return "", ""
    return before, after


_PUBLISHED = str(CommentStatus.PUBLISHED)
_PENDING = str(CommentStatus.PENDING)
_SPAM = str(CommentStatus.SPAM)
_REMOVED = str(CommentStatus.REMOVED)
_PLACEHOLDERS = {str(key): value for key, value in PLACEHOLDERS.items()}
_PLURAL = ("replies", "reply")
_TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))


class ModerationControls:
    """The moderation partial (`moderation/_comment_actions.html`: a reader's Report link, a
    moderator's quick actions) for thread rows, without a template render per row: the
    partial depends on a few facts of a row (status, featured, replies locked, the viewer's
    own, reported by the viewer), so each combination is rendered once a page with a stand-in
    id, and rows substitute their own. `flagged` and `removals` come from one query each."""

    def __init__(
        self,
        request,
        *,
        is_moderator: bool,
        flagged: set[int] | frozenset = frozenset(),
        removals: dict[int, str] | None = None,
        next_url: str = "",
    ) -> None:
        self.template = get_template("moderation/_comment_actions.html")
        self.is_moderator = is_moderator
        self.flagged = flagged
        self.removals = removals or {}
        self.user = request.user
        self.context = {
            "user": request.user,
            "request": request,
            "perms": {"comments": {"moderate": is_moderator}},
            "csrf_token": get_token(request) if request.user.is_authenticated else "",
            "next": f"{next_url or request.get_full_path()}#c{_PLACEHOLDER_PK}",
        }
        self._variants: dict[tuple, str] = {}

    def html(self, node: Node) -> str:
        pk = node.id
        if not self.user.is_authenticated:
            return ""
        flagged = pk in self.flagged
        if self.is_moderator:
            key = (node.status, node.is_featured, node.replies_locked)
        else:
            # What a reader's partial depends on: whose comment it is, not which.
            key = (node.status, node.user_id == self.user.pk, flagged)
        html = self._variants.get(key)
        if html is None:
            stand_in = _StandIn(_PLACEHOLDER_PK, node)
            rendered = self.template.render(
                {
                    **self.context,
                    "comment": stand_in,
                    "flagged_ids": {_PLACEHOLDER_PK} if flagged else set(),
                }
            )
            inner = rendered.strip()
            # Nothing to offer (a reader's own comment, a placeholder): no empty <div> either.
            body = inner.removeprefix('<div class="comment-mod">').removesuffix("</div>")
            html = self._variants[key] = inner if body.strip() else ""
        return html.replace(_PLACEHOLDER_STR, str(pk)) if html else ""


_PLACEHOLDER_STR = str(_PLACEHOLDER_PK)


class _StandIn:
    """What the partial reads of a comment, with a stand-in id."""

    def __init__(self, pk: int, node: Node) -> None:
        self.pk = self.id = pk
        self.status = node.status
        self.is_featured = node.is_featured
        self.replies_locked = node.replies_locked
        self.user_id = node.user_id


class RowRenderer:
    """Turns nodes into row HTML for one viewer; URL patterns are reversed once, and each
    author's markup is built once per page."""

    def __init__(self, viewer: Viewer, controls: ModerationControls | None = None) -> None:
        self.viewer = viewer
        self.controls = controls
        self.revisions = _split_pattern("moderation:revisions")
        self.permalink = _split_pattern("comments:permalink")
        self.edit = _split_pattern("comments:edit")
        self.delete = _split_pattern("comments:delete")
        self.history = _split_pattern("comments:history")
        self.continue_url = _split_pattern("comments:continue")
        self.profile = profile_url("USERNAME-PLACEHOLDER")
        self.utc = getattr(viewer.tz, "key", str(viewer.tz)) in {"UTC", "Etc/UTC"}
        self.now_ts = viewer.now.timestamp()
        self._authors: dict = {}
        self._days: dict[int, tuple[str, str]] = {}

    def author_html(self, node: Node) -> str:
        key = (node.is_archived, node.username, node.archived_author_name, node.display_name)
        html = self._authors.get(key)
        if html is None:
            html = self._authors[key] = self._author_html(node)
        return html

    def _author_html(self, node: Node) -> str:
        if node.is_archived:
            name = escape(node.archived_author_name or UNKNOWN_COMMENTER)
            return (
                f'<span class="comment__author comment__author--archived">{name}</span>'
                ' <span class="badge badge--archived">archived comment</span>'
            )
        if node.username is None:
            name = escape(node.archived_author_name) if node.archived_author_name else ""
            return f'<span class="comment__author">{name or "a former member"}</span>'
        name = escape(node.display_name or node.username)
        if self.profile:
            href = escape(self.profile.replace("USERNAME-PLACEHOLDER", quote(node.username)))
            return f'<a class="comment__author" href="{href}">{name}</a>'
        return f'<span class="comment__author">{name}</span>'

    def time(self, value: datetime.datetime) -> str:
        if not self.utc:
            return time_html(value, self.viewer.now, self.viewer.tz)
        # The common case, by hand: at 5,000 rows every call counts (isoformat alone was a
        # sixth of the rows' time). Dates repeat (many comments a day), so their two
        # spellings are made once per page; the clock's digits come from a table.
        stamp = value.timestamp()
        ordinal = value.toordinal()
        day = self._days.get(ordinal)
        if day is None:
            day = self._days[ordinal] = (
                value.date().isoformat(),
                f"{value.day} {_MONTHS[value.month]} {value.year}",
            )
        seconds = self.now_ts - stamp
        if seconds < 60:
            ago = "just now"
        elif seconds < 3600:
            n = int(seconds // 60)
            ago = "1 minute ago" if n == 1 else f"{n} minutes ago"
        elif seconds < 86_400:
            n = int(seconds // 3600)
            ago = "1 hour ago" if n == 1 else f"{n} hours ago"
        elif seconds < 2_592_000:
            n = int(seconds // 86_400)
            ago = "1 day ago" if n == 1 else f"{n} days ago"
        else:
            ago = relative_time(value, self.viewer.now)
        hh, mm = _TWO_DIGITS[value.hour], _TWO_DIGITS[value.minute]
        return (
            f'<time datetime="{day[0]}T{hh}:{mm}:{_TWO_DIGITS[value.second]}+00:00" '
            f'title="{day[1]}, {hh}:{mm} UTC">{ago}</time>'
        )

    def row(self, node: Node, *, with_structure: bool = True) -> SafeString:
        pk = node.id
        gone = node.status in _PLACEHOLDERS
        classes, head, badges, body = self._placeholder(node) if gone else self._shown(node)
        classes, badges = self._marks(node, classes, badges, gone=gone)
        permalink = f"{self.permalink[0]}{pk}{self.permalink[1]}"
        when = self.time(node.created) if node.created is not None else "date unknown"
        edited = self._edited(node, gone=gone)
        actions = self._actions(node, permalink, gone=gone)
        mod = self.controls.html(node) if self.controls is not None else ""
        html = (
            f'<li class="{classes}" id="c{pk}" data-depth="{node.level}">'
            '<article class="comment__box">'
            f'<p class="comment__meta">{head}{badges} <a class="comment__time" '
            f'href="{permalink}">{when}</a>{edited}</p>'
            f'<div class="comment__body">{body}</div>'
            f'<p class="comment__actions">{actions}</p>{mod}</article>'
        )
        if not with_structure:
            return SafeString(html + "</li>")
        return SafeString(html + self._structure(node))

    def _placeholder(self, node: Node) -> tuple[str, str, str, str]:
        """Classes, head, badges and body of a removed or deleted comment: a placeholder that
        keeps its replies in place, linked to the public log entry that says why."""
        placeholder = _PLACEHOLDERS[node.status]
        controls = self.controls
        entry_url = controls.removals.get(node.id) if controls is not None else None
        if entry_url:
            # Why it was removed: the public log entry (its rule and reason).
            placeholder = f'<a href="{entry_url}" title="Why: the moderation log">{placeholder}</a>'
        body = f'<p class="comment__placeholder">{placeholder}</p>'
        if node.status == _REMOVED and self.viewer.is_moderator:
            body += (
                '<div class="comment__removed-text"><p class="meta">Removed text, shown '
                f"to moderators:</p>{node.body_html}</div>"
            )
        classes = "comment comment--archived" if node.is_archived else "comment"
        head = '<span class="comment__author comment__author--gone">—</span>'
        return f"{classes} comment--placeholder", head, "", body

    def _shown(self, node: Node) -> tuple[str, str, str, str]:
        """Classes, head, badges and body of a comment shown with its text."""
        classes = "comment comment--archived" if node.is_archived else "comment"
        badges = ""
        if node.status == _PENDING:
            classes += " comment--pending"
            badges = ' <span class="badge badge--pending">awaiting review</span>'
        elif node.status == _SPAM:
            classes += " comment--spam"
            badges = ' <span class="badge badge--spam">spam</span>'
        return classes, self.author_html(node), badges, node.body_html

    def _marks(self, node: Node, classes: str, badges: str, *, gone: bool) -> tuple[str, str]:
        """The row's classes and badges with its featured and new marks added."""
        if node.is_featured and node.status == _PUBLISHED:
            classes += " comment--featured"
            badges += ' <span class="badge badge--featured">featured</span>'
        seen_at = self.viewer.seen_at
        created = node.created
        if (
            seen_at is not None
            and created is not None
            and created > seen_at
            and node.user_id != self.viewer.user_id
            and not gone
        ):
            classes += " comment--new"
            badges += ' <span class="badge badge--new">new</span>'
        return classes, badges

    def _edited(self, node: Node, *, gone: bool) -> str:
        """When it was edited; moderators get a link to compare the versions."""
        moderator = self.viewer.is_moderator
        if not node.edited or (gone and not moderator):
            return ""
        if moderator and self.revisions[0]:
            # Moderators compare the versions (moderation's diff of CommentRevision).
            return (
                f' <a class="comment__edited" href="{self.revisions[0]}{node.id}'
                f'{self.revisions[1]}">edited {self.time(node.edited)}</a>'
            )
        return f' <span class="comment__edited">edited {self.time(node.edited)}</span>'

    def _actions(self, node: Node, permalink: str, *, gone: bool) -> str:
        """Reply (or "replies locked"), Link, and the author's Edit, Delete and History."""
        v = self.viewer
        pk = node.id
        status = node.status
        if v.can_post and status == _PUBLISHED and not node.replies_locked:
            actions = (
                f'<a class="comment__reply" href="{v.reply_url}?parent={pk}#comment-form"'
                f' data-reply-to="{pk}">Reply</a> · '
            )
        elif node.replies_locked and not gone:
            actions = '<span class="meta">replies locked</span> · '
        else:
            actions = ""
        actions += f'<a href="{permalink}" class="comment__permalink">Link</a>'
        if node.user_id is not None and node.user_id == v.user_id and not node.is_archived:
            if status == _PUBLISHED or status == _PENDING:
                actions += (
                    f' · <a href="{self.edit[0]}{pk}{self.edit[1]}">Edit</a>'
                    f' · <a href="{self.delete[0]}{pk}{self.delete[1]}">Delete</a>'
                )
            if node.edited:
                actions += f' · <a href="{self.history[0]}{pk}{self.history[1]}">History</a>'
        elif node.edited and v.is_moderator and node.user_id is not None:
            actions += f' · <a href="{self.history[0]}{pk}{self.history[1]}">History</a>'
        return actions

    def _structure(self, node: Node) -> str:
        """What follows the row in the flat list: its replies' list opening, or its end (with
        a "Continue this thread" link where the thread is cut) and the lists it closes."""
        pk = node.id
        if node.opens:
            count = node.descendants
            return (
                f'<details open class="comment__replies" data-branch="{pk}">'
                f'<summary><span class="comment__replies-count">{count} '
                f"{_PLURAL[count == 1]}</span></summary>"
                f'<ol class="thread__list">'
            )
        html = ""
        if node.cut:
            html += (
                f'<p class="comment__continue"><a href="{self.continue_url[0]}{pk}'
                f'{self.continue_url[1]}">'
                f"Continue this thread ({node.descendants} more) →</a></p>"
            )
        html += "</li>"
        if node.closes > 0:
            html += _CLOSE * node.closes
        return html

    def rows(self, nodes: list[Node]) -> list[SafeString]:
        return [self.row(node) for node in nodes]
