"""Building a thread: one list of rows in, a sorted, flattened tree out (no database)."""

from __future__ import annotations

import datetime

import pytest

from comments.tree import MAX_DEPTH, Node, build_tree, flatten, paginate_tops

T0 = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def node(pk, parent=None, *, minutes=0, position=0, status="published", created=True):
    return Node(
        pk,
        parent,
        0,
        1,
        "someone",
        "",
        False,
        f"<p>{pk}</p>",
        status,
        T0 + datetime.timedelta(minutes=minutes) if created else None,
        None,
        position,
        False,
    )


def ids(rows):
    return [row.id for row in rows]


@pytest.fixture
def nodes():
    # 1 ─ 2 ─ 4
    #   └ 3
    # 5 ─ 6, 7, 8
    # 9
    return [
        node(1, minutes=0),
        node(2, 1, minutes=1),
        node(3, 1, minutes=5),
        node(4, 2, minutes=2),
        node(5, minutes=3),
        node(6, 5, minutes=4),
        node(7, 5, minutes=6),
        node(8, 5, minutes=7),
        node(9, minutes=8),
    ]


def test_oldest_is_pre_order_with_siblings_by_position_created_and_id(nodes):
    tree = build_tree(list(reversed(nodes)), "oldest")
    assert ids(flatten(tree.roots)) == [1, 2, 4, 3, 5, 6, 7, 8, 9]


def test_position_from_an_imported_page_wins_over_dates():
    tree = build_tree([node(1, position=2), node(2, position=1), node(3, position=1)], "oldest")
    assert ids(tree.roots) == [2, 3, 1]


def test_imported_comments_without_a_date_sort_without_error():
    tree = build_tree([node(1, minutes=5), node(2, created=False), node(3, minutes=1)], "oldest")
    assert ids(tree.roots) == [2, 3, 1]
    tree = build_tree([node(1, minutes=5), node(2, created=False), node(3, minutes=1)], "newest")
    assert ids(tree.roots) == [1, 3, 2]


def test_newest_puts_the_latest_first_at_every_level(nodes):
    tree = build_tree(nodes, "newest")
    assert ids(flatten(tree.roots)) == [9, 5, 8, 7, 6, 1, 3, 2, 4]


def test_most_replies_counts_whole_branches(nodes):
    tree = build_tree(nodes, "replies")
    assert [(n.id, n.descendants) for n in tree.roots] == [(1, 3), (5, 3), (9, 0)]
    assert ids(flatten(tree.roots))[:4] == [1, 2, 4, 3]


def test_rows_carry_their_level_and_how_many_lists_close_after_them(nodes):
    rows = flatten(build_tree(nodes).roots)
    shape = {row.id: (row.level, row.opens, row.closes) for row in rows}
    assert shape[1] == (0, True, 0)
    assert shape[2] == (1, True, 0)
    assert shape[4] == (2, False, 1)  # closes 2's list, back to level 1
    assert shape[3] == (1, False, 1)  # closes 1's list
    assert shape[8] == (1, False, 1)
    assert shape[9] == (0, False, 0)
    opened = sum(row.opens for row in rows)
    closed = sum(row.closes for row in rows)
    assert opened == closed  # the markup balances


def test_the_last_row_closes_every_open_list():
    chain = [node(1)] + [node(i, i - 1) for i in range(2, 5)]
    rows = flatten(build_tree(chain).roots)
    assert rows[-1].level == 3 and rows[-1].closes == 3


def test_threads_are_cut_past_the_maximum_depth_with_a_continue_mark():
    chain = [node(1)] + [node(i, i - 1) for i in range(2, 13)]  # 12 levels
    rows = flatten(build_tree(chain).roots)
    assert len(rows) == MAX_DEPTH
    assert rows[-1].cut and not rows[-1].opens and rows[-1].level == MAX_DEPTH - 1
    assert rows[-1].descendants == 12 - MAX_DEPTH
    assert sum(r.opens for r in rows) == sum(r.closes for r in rows)


def test_a_page_rooted_at_a_deep_comment_starts_again_at_level_zero():
    chain = [node(1)] + [node(i, i - 1) for i in range(2, 13)]
    tree = build_tree(chain)
    rows = flatten([tree.by_id[8]])
    assert ids(rows) == [8, 9, 10, 11, 12] and rows[0].level == 0
    assert ids(tree.ancestors(tree.by_id[4])) == [1, 2, 3]


def test_show_all_does_not_cut():
    chain = [node(1)] + [node(i, i - 1) for i in range(2, 13)]
    assert len(flatten(build_tree(chain).roots, None)) == 12


def test_paging_is_by_top_level_comment_with_their_replies(nodes):
    tree = build_tree(nodes)
    tops, number, pages = paginate_tops(tree.roots, 2, 2)
    assert (ids(tops), number, pages) == ([9], 2, 2)
    tops, _, _ = paginate_tops(tree.roots, 1, 2)
    assert ids(flatten(tops)) == [1, 2, 4, 3, 5, 6, 7, 8]
    with pytest.raises(ValueError):
        paginate_tops(tree.roots, 3, 2)
    assert paginate_tops(tree.roots, 1, 2, show_all=True)[2] == 1


def test_placeholders_keep_their_children():
    rows = flatten(
        build_tree(
            [node(1, status="deleted"), node(2, 1), node(3, status="removed"), node(4, 3)]
        ).roots
    )
    assert ids(rows) == [1, 2, 3, 4]


def test_replies_to_a_hidden_comment_are_left_out_with_it():
    # 2's parent (a spam comment, say) is not among the rows this viewer may see.
    tree = build_tree([node(1), node(2, 99), node(3, 2)])
    assert ids(flatten(tree.roots)) == [1] and tree.total == 1
