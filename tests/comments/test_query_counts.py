"""Discussion pages cost a fixed number of queries, whatever the size of the thread."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import profile_for
from comments.models import Comment, Notification
from moderation.models import Flag, LogEntry


def build_thread(article, users, size: int) -> Comment:
    """`size` comments: a few branches a few levels deep, mixed authors and statuses, some
    removed (with their log entry), featured, locked, edited and reported."""
    now = timezone.now()
    profile = profile_for(users["other"])
    profile.display_name = "Other Person"
    profile.save()
    made: list[Comment] = []
    for n in range(size):
        parent = made[(n * 7) % len(made)] if made and n % 4 else None
        if parent is not None and parent.depth >= 10:
            parent = None
        made.append(
            Comment.objects.create(
                article=article,
                parent=parent,
                depth=parent.depth + 1 if parent else 0,
                user=users["other"] if n % 3 else None,
                is_archived=not n % 3,
                archived_author_name="Imported" if n % 6 else "",
                body_source=f"c{n}",
                body_html=f"<p>c{n}</p>",
                status=("deleted" if n % 11 == 5 else "removed" if n % 13 == 7 else "published"),
                is_featured=n % 17 == 3,
                replies_locked=n % 19 == 4,
                edited=now if n % 5 == 2 else None,
                created=now - timezone.timedelta(minutes=size - n),
            )
        )
        if made[-1].status == "removed":  # its placeholder links to this log entry
            LogEntry.objects.create(action="remove", comment=made[-1], article=article)
    # The reader reported some comments: their rows say "Reported".
    for comment in made[1:size:9]:
        if comment.status == "published" and comment.user_id:
            Flag.objects.get_or_create(comment=comment, reader=users["reader"], reason="spam")
    for comment in made[:size:3]:
        Notification.objects.create(user=users["reader"], comment=comment, kind="followed")
    return made[-1]


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = {
    "article": lambda article, deep: article.get_absolute_url(),
    "article-show-all": lambda article, deep: article.get_absolute_url() + "?all=1",
    "permalink": lambda article, deep: reverse("comments:permalink", args=[deep.pk]),
    "continue": lambda article, deep: reverse("comments:continue", args=[deep.pk]),
    "notifications": lambda article, deep: reverse("comments:notifications"),
    "feed": lambda article, deep: reverse("comments:article_feed", args=[article.slug]),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["anonymous", "reader"])
def test_queries_do_not_grow_with_the_thread(client_for, users, make_article, page, role):
    client = client_for(role)
    if role == "anonymous" and page == "notifications":
        pytest.skip("the notices page is for signed-in readers")
    small = make_article()
    small_last = build_thread(small, users, 10)
    big = make_article()
    big_last = build_thread(big, users, 300)
    url = PAGES[page]
    # Visit once first so that both counts are of a returning reader.
    client.get(url(small, small_last))
    client.get(url(big, big_last))
    assert count(client, url(small, small_last)) == count(client, url(big, big_last))


def test_the_article_page_budget(client_for, users, make_article, django_assert_max_num_queries):
    """Signed in: session, user, article (with the reader's last visit, follow, moderator
    and restricted flags), authors, comments (with display names), the comments the reader
    reported, the removed comments' log entries, the visit update, the unread count."""
    article = make_article()
    build_thread(article, users, 50)
    client = client_for("reader")
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(9):
        client.get(article.get_absolute_url())
    client = client_for("anonymous")
    with django_assert_max_num_queries(4):
        client.get(article.get_absolute_url())
