"""Thread rows: times, escaping, and what each viewer is offered."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comments.rendering import RowRenderer, Viewer, relative_time, time_html
from comments.tree import Node

NOW = datetime.datetime(2026, 11, 21, 12, 0, tzinfo=datetime.UTC)


def viewer(**extra) -> Viewer:
    values = {
        "user_id": None,
        "is_moderator": False,
        "can_post": True,
        "seen_at": None,
        "reply_url": "/articles/a/comments/new/",
        "now": NOW,
    }
    return Viewer(**{**values, **extra})


def node(**extra) -> Node:
    values = dict(
        id=7,
        parent_id=None,
        depth=0,
        user_id=3,
        username="mara",
        archived_author_name="",
        is_archived=False,
        body_html="<p>Hi</p>",
        status="published",
        created=NOW - datetime.timedelta(days=3),
        edited=None,
        position=0,
        replies_locked=False,
    )
    values.update(extra)
    return Node(*values.values())


@pytest.mark.parametrize(
    "delta,text",
    [
        (datetime.timedelta(seconds=5), "just now"),
        (datetime.timedelta(minutes=1), "1 minute ago"),
        (datetime.timedelta(minutes=59), "59 minutes ago"),
        (datetime.timedelta(hours=1), "1 hour ago"),
        (datetime.timedelta(hours=23), "23 hours ago"),
        (datetime.timedelta(days=1), "1 day ago"),
        (datetime.timedelta(days=29), "29 days ago"),
        (datetime.timedelta(days=45), "1 month ago"),
        (datetime.timedelta(days=800), "2 years ago"),
    ],
)
def test_relative_times_agree_on_both_paths(delta, text, db):
    when = NOW - delta
    assert relative_time(when, NOW) == text
    html = RowRenderer(viewer()).time(when)
    assert html.endswith(f">{text}</time>")
    assert f'datetime="{when.isoformat(timespec="seconds")}"' in html
    assert f'title="{when.day} {when:%B} {when.year}, {when:%H:%M} UTC"' in html


@given(
    st.lists(
        st.datetimes(
            min_value=datetime.datetime(1900, 1, 1),
            max_value=datetime.datetime(2100, 1, 1),
            timezones=st.just(datetime.UTC),
        ),
        max_size=20,
    )
)
def test_the_fast_utc_times_match_the_general_formatter(values):
    # One renderer for the list: its per-day spellings are reused between rows.
    renderer = RowRenderer(viewer())
    for value in values:
        assert renderer.time(value) == time_html(value, NOW, datetime.UTC)


def test_names_are_escaped(db):
    html = RowRenderer(viewer()).row(
        node(user_id=None, username=None, is_archived=True, archived_author_name="<b>x</b>")
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x" not in html


def test_only_the_author_is_offered_edit_and_delete(db):
    mine = RowRenderer(viewer(user_id=3)).row(node())
    theirs = RowRenderer(viewer(user_id=4)).row(node())
    assert "/comments/7/edit/" in mine and "/comments/7/delete/" in mine
    assert "/comments/7/edit/" not in theirs and "/comments/7/delete/" not in theirs


def test_locked_replies_and_closed_discussions_offer_no_reply(db):
    assert "comment__reply" not in RowRenderer(viewer()).row(node(replies_locked=True))
    assert "comment__reply" not in RowRenderer(viewer(can_post=False)).row(node())
    assert "comment__reply" in RowRenderer(viewer()).row(node())


def test_comments_without_a_date_say_so(db):
    assert "date unknown" in RowRenderer(viewer()).row(node(created=None))
