"""`python manage.py bench thread`: how a discussion page scales.

Runs in a throwaway test database (never the development one). Figures:
- queries for an article page at 10, 1,000 and 5,000 comments (must be equal, at most 6);
- the whole of a 5,000-comment thread, 12 levels deep, on one page (?all=1), against a raw
  DB-API fetch of the same rows' columns, side by side (at most 8×);
- that page at 5,000 comments against 500 (at most 11×: linear);
- posting a reply into a 5,000-comment thread against an empty one (at most 1.3×)."""

from __future__ import annotations

import itertools
import os
import random
import sqlite3
import time
import uuid

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone

from bench.registry import register, target

BODY = (
    "<p>I walked the new route twice this week and the <em>crossing</em> at the quay is "
    "still the slow part; the lights give pedestrians eleven seconds.</p><p>Otherwise a "
    'clear improvement, and the signs are <a href="https://example.org/" rel="nofollow ugc '
    'noopener">easy to follow</a>.</p>'
)


def _best(func, repeat: int, clock=time.perf_counter) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        func()
        best = min(best, clock() - start)
    return best


def _make_article(title: str):
    from archive.models import Article, Source

    source, _ = Source.objects.get_or_create(name="Bench source")
    article = Article(source=source, title=title)
    article.set_body("<p>Bench article.</p>")
    article.save()
    return article


def _make_thread(article, size: int, users: list, depth: int = 12, seed: int = 7):
    """`size` comments in a tree `depth` levels deep: one chain down to the deepest level,
    the rest under random parents, saved level by level with bulk_create."""
    from comments.models import Comment

    rng = random.Random(seed)
    # Plan parents by index; a comment's parent always has a smaller index.
    levels: list[int] = []
    parents: list[int | None] = []
    for i in range(size):
        if i < depth:
            parents.append(i - 1 if i else None)
            levels.append(i)
            continue
        if rng.random() < 0.15:
            parents.append(None)
            levels.append(0)
            continue
        while True:
            p = rng.randrange(i)
            if levels[p] < depth - 1:
                break
        parents.append(p)
        levels.append(levels[p] + 1)
    now = timezone.now()
    saved: list = [None] * size
    for level in range(depth):
        batch = []
        indices = [i for i in range(size) if levels[i] == level]
        for i in indices:
            archived = i % 10 == 3
            batch.append(
                Comment(
                    article=article,
                    parent=saved[parents[i]] if parents[i] is not None else None,
                    depth=level,
                    user=None if archived else users[i % len(users)],
                    is_archived=archived,
                    archived_author_name="Imported Name" if archived else "",
                    body_source="text",
                    body_html=BODY,
                    created=now - timezone.timedelta(minutes=size - i),
                    position=i if archived else 0,
                )
            )
        for i, comment in zip(
            indices, Comment.objects.bulk_create(batch, batch_size=500), strict=True
        ):
            saved[i] = comment
    article.refresh_comment_stats()


def _raw_fetch(article_id: int) -> list:
    """The same rows and columns a thread page renders, fetched with the DB-API cursor."""
    from comments.models import Comment

    user_table = get_user_model()._meta.db_table
    table = Comment._meta.db_table
    mark = "%s"
    sql = (
        f"SELECT c.id, c.parent_id, c.depth, c.user_id, u.username, c.archived_author_name, "
        f"c.is_archived, c.body_html, c.status, c.created, c.edited, c.position, "
        f"c.replies_locked FROM {table} c LEFT JOIN {user_table} u ON u.id = c.user_id "
        f"WHERE c.article_id = {mark}"
    )
    if connection.vendor == "sqlite":
        # A plain sqlite3 connection to the same database: without the type converters
        # Django registers on its own connection, which parse every timestamp in Python.
        global _plain_sqlite
        if _plain_sqlite is None:
            _plain_sqlite = sqlite3.connect(
                connection.settings_dict["NAME"], uri=True, check_same_thread=False
            )
        return _plain_sqlite.execute(sql.replace("%s", "?"), (article_id,)).fetchall()
    with connection.connection.cursor() as cursor:
        cursor.execute(sql, (article_id,))
        return cursor.fetchall()


_plain_sqlite = None


@register("thread")
def thread(*, quick: bool, log) -> dict:
    """Thread page queries, whole-thread render time and posting cost by thread size."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        with override_settings(
            AGORA_RATE_LIMITS={"post-comment": (1_000_000, 60)},
            ALLOWED_HOSTS=["*"],
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            return _run(quick=quick, log=log)
    finally:
        global _plain_sqlite
        if _plain_sqlite is not None:
            _plain_sqlite.close()
            _plain_sqlite = None
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


def _run(*, quick: bool, log) -> dict:
    from archive.views import article_detail

    User = get_user_model()
    users = [User.objects.create_user(f"bench{i}", password="bench-pass-1") for i in range(40)]
    reader = users[0]
    count_sizes = (10, 100, 300) if quick else (10, 1_000, 5_000)
    small, big = (50, 500) if quick else (500, 5_000)
    repeat = 3 if quick else 7

    articles = {}
    for size in sorted(set(count_sizes) | {small, big}):
        log(f"building a thread of {size} comments…")
        article = _make_article(f"Bench thread {size}")
        _make_thread(article, size, users)
        articles[size] = article

    factory = RequestFactory()

    def page(article, query: str = ""):
        request = factory.get(article.get_absolute_url() + query)
        request.user = reader
        response = article_detail(request, article.slug)
        assert response.status_code == 200, response.status_code
        return response

    queries = {}
    for size in count_sizes:
        page(articles[size])  # warm caches (permissions, templates)
        with CaptureQueriesContext(connection) as ctx:
            page(articles[size])
        queries[size] = len(ctx.captured_queries)
    log(f"queries per page: {queries}")

    big_article, small_article = articles[big], articles[small]
    page(big_article, "?all=1")
    page_big = _best(lambda: page(big_article, "?all=1"), repeat)
    page_small = _best(lambda: page(small_article, "?all=1"), repeat)
    raw_big = _best(lambda: _raw_fetch(big_article.pk), repeat)
    html_bytes = len(page(big_article, "?all=1").content)
    # The same two measured in CPU time too: on a busy machine the wall clock of the longer
    # one (the page) takes more preemptions than the short raw fetch, and the ratio drifts.
    cpu_page_big = _best(lambda: page(big_article, "?all=1"), repeat, time.process_time)
    cpu_raw_big = _best(lambda: _raw_fetch(big_article.pk), repeat, time.process_time)
    log(f"show all at {big}: {page_big * 1000:.1f} ms; raw fetch {raw_big * 1000:.2f} ms")

    post_empty, post_big = _posting_cost(users, big_article, quick=quick)

    counts = list(queries.values())
    return {
        "vendor": connection.vendor,
        "sizes": {"queries": list(count_sizes), "small": small, "big": big},
        "queries_per_page": queries,
        "show_all_ms": {small: round(page_small * 1000, 2), big: round(page_big * 1000, 2)},
        "raw_fetch_ms": round(raw_big * 1000, 3),
        "show_all_html_bytes": html_bytes,
        "cpu_ms": {
            "show_all": round(cpu_page_big * 1000, 2),
            "raw_fetch": round(cpu_raw_big * 1000, 3),
            "ratio": round(cpu_page_big / cpu_raw_big, 2) if cpu_raw_big else None,
        },
        "load_average": list(os.getloadavg()),
        "post_ms": {"empty": round(post_empty * 1000, 2), big: round(post_big * 1000, 2)},
        "targets": {
            "queries_constant": target(float(max(counts) - min(counts)), 0),
            "queries_at_most_6": target(float(max(counts)), 6),
            "show_all_vs_raw_fetch": target(page_big / raw_big, 8),
            "show_all_big_vs_small": target(page_big / page_small, 11),
            "post_big_vs_empty": target(post_big / post_empty, 1.3),
        },
    }


def _posting_cost(users: list, big_article, *, quick: bool) -> tuple[float, float]:
    """Seconds to post a reply into an empty thread and into the big one (the best of a few)."""
    # Posting: the same view and client both times, into an empty and into the big thread.
    empty = _make_article("Bench empty thread")
    client = Client()
    client.force_login(users[1])
    from comments.models import Comment

    parent_in_big = Comment.objects.filter(article=big_article, depth=5).first()
    root_in_empty = Comment.objects.create(
        article=empty, user=users[2], body_source="x", body_html="<p>x</p>", created=timezone.now()
    )

    # Moderation's screening stays on, but the poster is a trusted account (no new-account
    # hold) and every reply differs (the same text twice in ten minutes is refused).
    from moderation.models import ModerationSettings

    ModerationSettings.objects.update_or_create(pk=1, defaults={"new_account_approvals": 0})
    serial = itertools.count()

    def poster(article, parent):
        url = f"/articles/{article.slug}/comments/new/"

        def post():
            response = client.post(
                url,
                {
                    "body": f"A reply *here*, number {next(serial)}.",
                    "parent": parent.pk,
                    "idempotency_key": uuid.uuid4().hex,
                },
            )
            assert response.status_code == 302, response.status_code

        return post

    post_repeat = 10 if quick else 25
    poster(empty, root_in_empty)()
    post_empty = _best(poster(empty, root_in_empty), post_repeat)
    post_big = _best(poster(big_article, parent_in_big), post_repeat)
    return post_empty, post_big


@register("posting")
def posting(*, quick: bool, log) -> dict:
    """Concurrent posting through gunicorn: 50 readers × 20 comments, nothing lost."""
    from bench import loadtest

    posters, per_poster = (10, 5) if quick else (50, 20)
    with loadtest.throwaway_database("posting_bench") as env:
        result = loadtest.run(env, posters=posters, per_poster=per_poster, workers=4, log=log)
    expected = result["expected"]
    return {
        "vendor": connection.vendor,
        "posters": posters,
        "per_poster": per_poster,
        "workers": 4,
        "comments_stored": result["stored"],
        "errors": result["errors"],
        "error_samples": result["error_samples"],
        "seconds": result["seconds"],
        "comments_per_s": result["comments_per_s"],
        "replies": result["replies"],
        "comment_count": result["comment_count"],
        "published": result["published"],
        "recount_changed": result["recount_changed"],
        "bad_tree": result["bad_tree"],
        "responses_match_rows": result["responses_match_rows"],
        "targets": {
            "stored": target(float(result["stored"]), expected, at_most=False)
            | {"ok": result["stored"] == expected and result["total"] == expected},
            "errors": target(float(result["errors"]), 0),
            "counters_consistent": target(0.0 if loadtest.consistent(result) else 1.0, 0),
        },
    }
