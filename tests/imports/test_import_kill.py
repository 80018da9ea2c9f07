"""An import killed with SIGKILL half-way leaves no partial article; running it again finishes.

The import runs as `manage.py import_articles DIR` in a subprocess against a throwaway database
of the kind the suite uses (a temporary SQLite file, or a new PostgreSQL database), is killed
once some articles exist, and the database is then read by another subprocess."""

from __future__ import annotations

import datetime
import json
import signal
import sqlite3
import subprocess
import sys
import time

from bench.loadtest import BASE_DIR, manage, shell_json, throwaway_database
from imports.parsers.base import ParsedComment, ParsedDocument
from imports.parsers.text import write_text

# More articles than one batch holds (ImportSession commits every 500 documents, or every
# half second): however fast the machine, some are committed while others are still to come.
ARTICLES = 1200
COMMENTS = 30


def thread(number: int) -> list[ParsedComment]:
    """COMMENTS comments, replies up to four levels deep, every text distinct."""
    roots: list[ParsedComment] = []
    chain: list[ParsedComment] = []
    for n in range(COMMENTS):
        comment = ParsedComment(
            f"Reader {n % 17}", f"Comment {n} on article {number}: the quay works."
        )
        depth = (n * 7 % 5) if n else 0
        depth = min(depth, len(chain))
        del chain[depth:]
        (chain[-1].children if chain else roots).append(comment)
        chain.append(comment)
    return roots


def write_articles(folder) -> dict[str, dict]:
    expected = {}
    for number in range(ARTICLES):
        url = f"https://kill.example.org/{number}"
        doc = ParsedDocument(
            title=f"Killed import article {number}",
            paragraphs=[
                f"Paragraph {p} of article {number}, long enough to read." for p in range(6)
            ],
            source_name=f"Kill Source {number % 3}",
            authors=[f"Writer {number % 5}"],
            url=url,
            published=datetime.date(2020, 1 + number % 12, 1 + number % 28),
            precision="day",
            comments=thread(number),
            format="text",
        )
        (folder / f"{number:04d}.txt").write_text(write_text(doc), encoding="utf-8")
        expected[url] = {"title": doc.title, "comments": COMMENTS}
    return expected


SNAPSHOT = """
import json
from archive.models import Article
from comments.models import Comment
rows = {}
for a in Article.objects.prefetch_related("provenance", "authors").order_by("id"):
    comments = list(Comment.objects.filter(article=a).order_by("id").values_list(
        "id", "parent_id", "depth", "body_source"))
    rows[a.url] = {
        "id": a.pk, "title": a.title, "hash": a.content_hash, "body": bool(a.body_text.strip()),
        "comment_count": a.comment_count, "comments": len(comments),
        "comment_rows": comments, "provenance": [p.outcome for p in a.provenance.all()],
        "authors": [x.name for x in a.authors.all()],
    }
print(json.dumps(rows))
"""


def article_count(env: dict[str, str]) -> int:
    """Committed articles, read straight from the database while the import runs."""
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as conn:
            return conn.execute("SELECT count(*) FROM archive_article").fetchone()[0]
    conn = sqlite3.connect(env["AGORA_SQLITE_PATH"], timeout=20)
    try:
        return conn.execute("SELECT count(*) FROM archive_article").fetchone()[0]
    finally:
        conn.close()


def assert_complete(rows: dict, expected: dict) -> None:
    for url, row in rows.items():
        assert url in expected, url
        assert row["title"] == expected[url]["title"]
        assert row["body"], f"{url} has no body"
        assert row["comments"] == expected[url]["comments"], f"{url} is partial"
        assert row["comment_count"] == row["comments"]
        assert row["provenance"] and row["authors"], f"{url} lacks provenance or authors"


def test_a_killed_import_leaves_whole_articles_and_a_second_run_completes_it(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    expected = write_articles(folder)
    with throwaway_database("import_kill") as env:
        manage(env, "migrate", "--noinput")
        process = subprocess.Popen(
            [sys.executable, str(BASE_DIR / "manage.py"), "import_articles", str(folder), "--json"],
            env=env,
            cwd=BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 120
            while article_count(env) < 5:
                assert process.poll() is None, "the import ended before it could be killed"
                assert time.monotonic() < deadline, "the import saved nothing in two minutes"
                time.sleep(0.02)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL

        first = shell_json(env, SNAPSHOT)
        assert 5 <= len(first) < ARTICLES, "the kill came too late to test anything"
        assert_complete(first, expected)
        assert all(row["provenance"] == ["imported"] for row in first.values())

        summary = json.loads(manage(env, "import_articles", str(folder), "--json"))
        assert summary["failed"] == 0, summary["failures"]
        assert summary["imported"] == ARTICLES - len(first)
        assert summary["unchanged"] == len(first) and summary["updated"] == 0

        second = shell_json(env, SNAPSHOT)
        assert len(second) == ARTICLES
        assert_complete(second, expected)
        for url, row in first.items():
            assert second[url] == row, f"{url} changed on the second run"
        assert sum(row["comments"] for row in second.values()) == ARTICLES * COMMENTS
