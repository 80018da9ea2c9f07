"""The discussion part of a page: parse the reader's choices, load the thread with one query,
build, cut and render it, and remember the visit. Used by the article page (archive) and by
the comment pages here."""

from __future__ import annotations

import gc
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from archive.models import Article
from moderation.models import StandingChange, StandingKind
from moderation.queue import flagged_ids, removal_entries
from moderation.standing import posting_block_for
from web.errors import UserFacingBadRequest
from web.permissions import can_moderate
from web.sanitize import html_to_text

from .forms import CommentForm
from .models import UNKNOWN_COMMENTER, Comment, CommentStatus, ThreadFollow, ThreadVisit
from .rendering import PLACEHOLDERS, ModerationControls, RowRenderer, Viewer
from .tree import (
    DEFAULT_SORT,
    MAX_DEPTH,
    SORTS,
    Node,
    build_tree,
    fetch_nodes,
    flatten,
    paginate_tops,
)


@contextmanager
def paused_gc():
    """Building a big thread allocates tens of thousands of small objects (rows, nodes,
    lists), which sets off the cyclic garbage collector's full passes over the whole heap
    again and again: a third of the time of a 5,000-comment page. These objects form no
    cycles (a node holds its children, never its parent), so reference counting frees them
    all. The collector is paused while they are made; a view pauses it around the whole
    render (nesting is fine), so that it resumes when they are already freed: resumed while
    they are alive, its first pass would walk every one of them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_discussion(request, template: str, context: dict) -> HttpResponse:
    """Render a page holding a discussion, then release the discussion's rows and nodes.

    The rows (megabytes at 5,000 comments) are not passed through the template engine:
    every nesting level of a template (blocks, includes, `extends`) joins its children's
    output into a new string, which would copy the whole thread a dozen times. The page is
    rendered around an unguessable marker, and the rows are put in its place as bytes.

    Django's template Context and the dicts pushed onto it refer to each other, so whatever a
    rendered context holds is freed only by the cyclic garbage collector, which then walks
    every node and row of the thread (a tenth of a 5,000-comment page). Released here, they
    are freed at once by reference counting; the collector stays paused until then.
    """
    discussion = context.get("discussion")
    with paused_gc():
        if discussion is None:
            return render(request, template, context)
        try:
            discussion.slot = f"<!--thread-rows-{uuid.uuid4().hex}-->"
            page = render_to_string(template, context, request)
            parts = page.split(discussion.slot)
            if len(parts) == 1:
                return HttpResponse(page)
            rows = "".join(discussion.rows).encode()
            return HttpResponse(rows.join(part.encode() for part in parts))
        finally:
            discussion.release()


def with_reader_state(articles: QuerySet, user) -> QuerySet:
    """Annotate what the discussion needs to know about a signed-in reader (when they last
    saw it, whether they follow it) onto the article's own query: no extra queries."""
    if not user.is_authenticated:
        return articles
    return articles.annotate(
        reader_seen_at=Subquery(
            ThreadVisit.objects.filter(user=user, article=OuterRef("pk")).values("seen_at")[:1]
        ),
        reader_follows=Exists(ThreadFollow.objects.filter(user=user, article=OuterRef("pk"))),
        # Whether the reader holds comments.moderate, directly or through a group: read
        # here instead of by has_perm(), which costs two queries of its own.
        # Whether the reader was ever suspended or banned: only then is their standing
        # read (posting_block_for), so good readers pay no query for it.
        reader_restricted=Exists(
            StandingChange.objects.filter(
                user=user, kind__in=[StandingKind.SUSPEND, StandingKind.BAN]
            )
        ),
        reader_moderates=Exists(
            Permission.objects.filter(
                codename="moderate", content_type__app_label="comments"
            ).filter(Q(user=user) | Q(group__user=user))
        ),
    )


def reader_moderates(article: Article, user) -> bool:
    return can_moderate(user, holds_moderate=getattr(article, "reader_moderates", None))


def parse_sort(value: str | None) -> str:
    """A known sort, or the default: an odd ?sort= is not worth an error page."""
    return value if value in SORTS else DEFAULT_SORT


def parse_page(value: str | None) -> int:
    raw = (value or "1").strip() or "1"
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise UserFacingBadRequest("The page must be a whole number, such as page=2.")
    return int(raw)


def new_form(**initial) -> CommentForm:
    return CommentForm(initial={"idempotency_key": uuid.uuid4().hex, **initial})


def record_visit(user, article: Article, *, seen_before: bool) -> None:
    """Remember when `user` last saw `article`'s discussion, in one query: an UPDATE when
    there is a visit already (known from `with_reader_state`), else an upsert (bulk_create
    wraps that in a transaction, which SQLite spells out as two more statements)."""
    now = timezone.now()
    if seen_before:
        ThreadVisit.objects.filter(user=user, article=article).update(seen_at=now)
        return
    ThreadVisit.objects.bulk_create(
        [ThreadVisit(user=user, article=article, seen_at=now)],
        update_conflicts=True,
        unique_fields=["user", "article"],
        update_fields=["seen_at"],
    )


@dataclass
class Discussion:
    article: Article
    rows: list[SafeString]
    nodes: list[Node]
    total: int
    sort: str
    show_all: bool = False
    page: int = 1
    num_pages: int = 1
    following: bool = False
    root: Node | None = None
    ancestors: list[SafeString] = field(default_factory=list)
    featured: list[Featured] = field(default_factory=list)
    slot: str | None = None  # the marker standing for the rows (see render_discussion)

    sorts = SORTS

    def release(self) -> None:
        """Let go of the rows and nodes once the page is rendered (see render_discussion)."""
        self.rows, self.nodes, self.ancestors, self.featured = [], [], [], []

    @property
    def html(self) -> SafeString:
        """The rows as one string (a template loop over 5,000 rows costs more than the join),
        or the marker that render_discussion replaces with them."""
        if self.slot is not None:
            return SafeString(self.slot)
        return SafeString("".join(self.rows))

    @property
    def is_paged(self) -> bool:
        return self.num_pages > 1

    @property
    def has_more(self) -> bool:
        """Some of the thread is on other pages or past the depth cut."""
        return self.is_paged or any(node.cut for node in self.nodes)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def previous_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1


@dataclass(frozen=True)
class Featured:
    """A comment moderators featured, for the block at the top of the discussion."""

    pk: int
    author: str
    excerpt: str
    url: str


FEATURED_EXCERPT = 160


def featured_comments(tree, shown_ids: set[int], permalink: str) -> list[Featured]:
    """The thread's featured (published) comments in thread order, linked to their row when
    it is on this page, else to their own page. Plain text: the template escapes it."""
    chosen = [
        node
        for node in tree.by_id.values()
        if node.is_featured and node.status == CommentStatus.PUBLISHED
    ]
    featured = []
    for node in sorted(chosen, key=lambda n: (n.when, n.id)):
        text = " ".join(html_to_text(node.body_html).split())
        if len(text) > FEATURED_EXCERPT:
            text = text[: FEATURED_EXCERPT - 1].rstrip() + "…"
        if node.is_archived or node.username is None:
            author = node.archived_author_name or UNKNOWN_COMMENTER
        else:
            author = node.display_name or node.username
        url = f"#c{node.id}" if node.id in shown_ids else permalink.replace("0", str(node.id))
        featured.append(Featured(node.id, author, text, url))
    return featured


def posting_block(article: Article, user) -> str | None:
    """Why this reader may not post (suspended or banned, with the end date), or None. Costs
    a query only for readers who were ever restricted (known from `with_reader_state`)."""
    if not user.is_authenticated:
        return None
    if getattr(article, "reader_restricted", True) is False:
        return None
    return posting_block_for(user)


def moderation_controls(
    request, article: Article, nodes: list[Node], *, is_moderator: bool, next_url: str = ""
):
    """The per-page facts the rows' moderation bits need, one query each at most: which
    comments this reader reported, and the log entry behind each removed comment."""
    ids = [node.id for node in nodes]
    user = request.user
    flagged = (
        flagged_ids(user, ids, article_id=article.pk)
        if user.is_authenticated and not is_moderator
        else set()
    )
    removed = [node.id for node in nodes if node.status == CommentStatus.REMOVED]
    removals = {}
    if removed:
        log_url = reverse("moderation:log_entry", args=[0]).replace("0", "{}")
        removals = {pk: log_url.format(e.pk) for pk, e in removal_entries(removed).items()}
    return ModerationControls(
        request, is_moderator=is_moderator, flagged=flagged, removals=removals, next_url=next_url
    )


def thread_nodes(article: Article, user, is_moderator: bool | None = None) -> list[Node]:
    comments = Comment.objects.in_thread(article).visible_to(user, is_moderator=is_moderator)
    return fetch_nodes(comments)


def shown_count(tree) -> int:
    """Comments with text (placeholders for deleted and removed ones are not counted)."""
    gone = PLACEHOLDERS.keys()
    return sum(1 for node in tree.by_id.values() if node.status not in gone)


def discussion_context(request, article: Article) -> dict:
    """Context for the discussion under an article. 400 for a malformed ?page=, 404 past
    the last page."""
    sort = parse_sort(request.GET.get("sort"))
    show_all = request.GET.get("all") == "1"
    page_number = parse_page(request.GET.get("page"))
    is_moderator = reader_moderates(article, request.user)
    request.agora_moderates = is_moderator  # the header's link reuses it (no perm queries)
    block = posting_block(article, request.user)
    seen_at = getattr(article, "reader_seen_at", None)
    viewer = Viewer.for_request(
        request, article, seen_at=seen_at, is_moderator=is_moderator, blocked=bool(block)
    )
    with paused_gc():
        tree = build_tree(thread_nodes(article, request.user, is_moderator), sort)
        try:
            tops, page_number, num_pages = paginate_tops(
                tree.roots, page_number, settings.AGORA_THREAD_PAGE_SIZE, show_all=show_all
            )
        except ValueError as error:
            raise Http404(str(error)) from None
        nodes = flatten(tops, None if show_all else MAX_DEPTH)
        controls = moderation_controls(request, article, nodes, is_moderator=is_moderator)
        rows = RowRenderer(viewer, controls).rows(nodes)
        featured = featured_comments(
            tree, {node.id for node in nodes}, reverse("comments:permalink", args=[0])
        )
    discussion = Discussion(
        article=article,
        rows=rows,
        nodes=nodes,
        total=shown_count(tree),
        sort=sort,
        show_all=show_all,
        page=page_number,
        num_pages=num_pages,
        following=bool(getattr(article, "reader_follows", False)),
        featured=featured,
    )
    if request.user.is_authenticated:
        record_visit(request.user, article, seen_before=seen_at is not None)
    return {"discussion": discussion, "comment_form": new_form(), "posting_block": block}


def subtree_context(request, comment: Comment, *, with_ancestors: bool) -> dict:
    """A page rooted at `comment`: its replies (cut at MAX_DEPTH levels again), and for the
    permalink page its ancestors, for context."""
    article = comment.article
    sort = parse_sort(request.GET.get("sort"))
    is_moderator = reader_moderates(article, request.user)
    request.agora_moderates = is_moderator
    viewer = Viewer.for_request(
        request,
        article,
        is_moderator=is_moderator,
        blocked=bool(posting_block(article, request.user)),
    )
    with paused_gc():
        tree = build_tree(thread_nodes(article, request.user, is_moderator), sort)
        root = tree.by_id.get(comment.pk)
        if root is None:  # its parent is hidden from this reader
            raise Http404("No comment here.")
        nodes = flatten([root], MAX_DEPTH)
        above = tree.ancestors(root) if with_ancestors else []
        controls = moderation_controls(request, article, above + nodes, is_moderator=is_moderator)
        renderer = RowRenderer(viewer, controls)
        rows = renderer.rows(nodes)
    ancestors = [renderer.row(node, with_structure=False) for node in above]
    discussion = Discussion(
        article=article,
        rows=rows,
        nodes=nodes,
        total=shown_count(tree),
        sort=sort,
        root=root,
        ancestors=ancestors,
    )
    return {"discussion": discussion, "article": article, "comment": comment}
