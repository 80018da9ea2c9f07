"""A discussion as a tree, built in Python from ONE query's rows, flattened in pre-order.

The page renders the flat list in one template loop: every row says how deep it is, whether
it opens a list of replies and how many lists close after it, so the loop can emit the nested
`<details>`/`<ol>` structure without a recursive include. Building is O(n) apart from sorting
each set of siblings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from operator import attrgetter

from django.db import connections
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from .models import Comment

# The columns a thread needs, in the order of `Node`'s constructor.
COLUMNS = (
    "id",
    "parent_id",
    "depth",
    "user_id",
    "user__username",
    "archived_author_name",
    "is_archived",
    "body_html",
    "status",
    "created",
    "edited",
    "position",
    "replies_locked",
    "is_featured",
    "user__profile__display_name",
)

SORTS = {"oldest": "Oldest first", "newest": "Newest first", "replies": "Most replies"}
DEFAULT_SORT = "oldest"
# Levels shown under the top of a page before "continue this thread →".
MAX_DEPTH = 8

_EPOCH = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)


class Node:
    """One comment of a thread, as plain attributes (no model instance: cheaper at 5,000)."""

    __slots__ = (
        "id",
        "parent_id",
        "depth",
        "user_id",
        "username",
        "archived_author_name",
        "is_archived",
        "body_html",
        "status",
        "created",
        "edited",
        "position",
        "replies_locked",
        "is_featured",
        "display_name",
        "children",
        "descendants",
        "level",
        "opens",
        "closes",
        "cut",
        "when",
    )

    def __init__(self, *values) -> None:
        if len(values) < len(COLUMNS):  # is_featured and display_name are optional
            values = (*values, False, None)[: len(COLUMNS)]
        (
            self.id,
            self.parent_id,
            self.depth,
            self.user_id,
            self.username,
            self.archived_author_name,
            self.is_archived,
            self.body_html,
            self.status,
            self.created,
            self.edited,
            self.position,
            self.replies_locked,
            self.is_featured,
            self.display_name,
        ) = values
        self.children: list[Node] = []
        self.descendants = 0
        self.level = 0  # depth on this page (0 = top of the page)
        self.opens = False  # a list of its replies follows
        self.closes = 0  # how many reply lists close after it
        self.cut = False  # it has replies past MAX_DEPTH: "continue this thread"
        self.when = self.created or _EPOCH  # for sorting: imported comments may have no date

    def __repr__(self) -> str:
        return f"<Node {self.id} level={self.level} opens={self.opens} closes={self.closes}>"

    @classmethod
    def from_comment(cls, comment: Comment) -> Node:
        return cls(
            comment.pk,
            comment.parent_id,
            comment.depth,
            comment.user_id,
            comment.user.get_username() if comment.user_id else None,
            comment.archived_author_name,
            comment.is_archived,
            comment.body_html,
            comment.status,
            comment.created,
            comment.edited,
            comment.position,
            comment.replies_locked,
            comment.is_featured,
            _display_name(comment),
        )


def _display_name(comment: Comment) -> str | None:
    if not comment.user_id:
        return None
    profile = getattr(comment.user, "profile", None)  # accounts made without one: none yet
    return profile.display_name if profile is not None else None


def fetch_nodes(comments: QuerySet) -> list[Node]:
    """The ONE query for a thread's comments (no ORDER BY: the tree sorts siblings).

    The ORM builds the SQL; the rows are read with the DB-API cursor, without the ORM's
    per-value converters. On SQLite the two timestamps are selected as text and parsed with
    `datetime.fromisoformat` (C): the driver's own converter parses them with a regular
    expression, which at 5,000 comments costs more than the query itself."""
    connection = connections[comments.db]
    columns = list(COLUMNS)
    if connection.vendor == "sqlite":
        comments = comments.annotate(
            created_text=Cast("created", TextField()), edited_text=Cast("edited", TextField())
        )
        columns[COLUMNS.index("created")] = "created_text"
        columns[COLUMNS.index("edited")] = "edited_text"
    sql, params = comments.order_by().values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    nodes = [Node(*row) for row in rows]
    if connection.vendor == "sqlite":
        parse, utc = datetime.datetime.fromisoformat, datetime.UTC
        for node in nodes:
            if node.created is not None:
                node.created = node.when = parse(node.created).replace(tzinfo=utc)
            if node.edited is not None:
                node.edited = parse(node.edited).replace(tzinfo=utc)
    return nodes


@dataclass
class Tree:
    by_id: dict[int, Node]
    roots: list[Node]
    total: int

    def ancestors(self, node: Node) -> list[Node]:
        chain = []
        parent = self.by_id.get(node.parent_id)
        while parent is not None:
            chain.append(parent)
            parent = self.by_id.get(parent.parent_id)
        chain.reverse()
        return chain


# attrgetter keys run in C: sorting 5,000 siblings' keys is a visible part of a big page.
_key_oldest = attrgetter("position", "when", "id")
_key_newest = attrgetter("when", "id")


def _key_replies(node: Node):
    return (-node.descendants, node.position, node.when, node.id)


def build_tree(nodes: list[Node], sort: str = DEFAULT_SORT) -> Tree:
    """Link the nodes into a tree, count each one's replies and sort every set of siblings.

    A node whose parent is not among `nodes` (hidden from this viewer: spam, or someone
    else's pending comment) is left out with its replies. Removed and deleted comments are
    among the nodes, shown as placeholders, so their replies keep their place."""
    by_id = {node.id: node for node in nodes}
    roots: list[Node] = []
    for node in nodes:
        if node.parent_id is None:
            roots.append(node)
        else:
            parent = by_id.get(node.parent_id)
            if parent is not None:
                parent.children.append(node)
    # Breadth-first from the roots: parents come before children, so walking it backwards
    # adds every subtree's size to its parent in one pass. Orphans are never reached.
    order = list(roots)
    for node in order:
        order.extend(node.children)
    for node in reversed(order):
        if node.parent_id is not None:
            by_id[node.parent_id].descendants += node.descendants + 1
    if len(order) != len(by_id):
        reached = {node.id for node in order}
        by_id = {key: node for key, node in by_id.items() if key in reached}
    if sort == "newest":
        key, reverse = _key_newest, True
    elif sort == "replies":
        key, reverse = _key_replies, False
    else:
        key, reverse = _key_oldest, False
    roots.sort(key=key, reverse=reverse)
    for node in order:
        if len(node.children) > 1:
            node.children.sort(key=key, reverse=reverse)
    return Tree(by_id=by_id, roots=roots, total=len(order))


@dataclass
class Page:
    """The part of a tree one page shows, flattened in pre-order."""

    rows: list[Node]
    number: int = 1
    num_pages: int = 1
    top_count: int = 0
    shown_all: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def flatten(tops: list[Node], max_depth: int | None = MAX_DEPTH) -> list[Node]:
    """Pre-order rows under `tops`, each with its level on the page, whether it opens a reply
    list and how many lists close after it. Replies deeper than `max_depth` levels are cut:
    their parent is marked `cut` (the page shows "continue this thread →" there)."""
    rows: list[Node] = []
    stack: list[tuple[Node, int]] = [(node, 0) for node in reversed(tops)]
    while stack:
        node, level = stack.pop()
        node.level = level
        node.closes = 0
        node.cut = False
        node.opens = False
        if node.children:
            if max_depth is not None and level + 1 >= max_depth:
                node.cut = True
            else:
                node.opens = True
                stack.extend((child, level + 1) for child in reversed(node.children))
        rows.append(node)
    # A row without an open list closes the lists between it and the next row.
    for index, node in enumerate(rows):
        if not node.opens:
            next_level = rows[index + 1].level if index + 1 < len(rows) else 0
            node.closes = node.level - next_level
    return rows


def paginate_tops(
    tops: list[Node], page_number: int, per_page: int, *, show_all: bool = False
) -> tuple[list[Node], int, int]:
    """The top-level comments of one page: (those, page number, number of pages).
    Raises ValueError for a page past the end."""
    if show_all or per_page <= 0:
        return tops, 1, 1
    num_pages = max(1, -(-len(tops) // per_page))
    if page_number < 1 or page_number > num_pages:
        raise ValueError(f"There is no page {page_number}: this discussion has {num_pages}.")
    start = (page_number - 1) * per_page
    return tops[start : start + per_page], page_number, num_pages
