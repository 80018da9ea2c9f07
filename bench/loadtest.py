"""Concurrent posting through the real HTTP endpoint, against a real gunicorn.

Plain functions, used by `manage.py bench posting` and by tests/comments/test_concurrent_posting.py:

    env = sqlite_env(path) or postgres_env(url)   # which database the server uses
    prepare_database(env, posters=50)             # migrate, accounts in good standing, article
    server = start_gunicorn(env, workers=4)       # on a free loopback port
    report = run_posters(server.base_url, plan, posters=50, per_poster=20)
    stop_gunicorn(server)
    checks = verify(env, plan)                    # what the database holds

Every poster is a browser-like client (its own `http.client` connection, cookies, the CSRF token
read from the form) that logs in and posts its comments, half of them replies to comments
already in the thread. Everything stays on 127.0.0.1 and is bounded in count and time.
Setting up and verifying run `manage.py shell` in a subprocess with the same environment as
the server, so they see exactly the database the server writes to, whichever it is.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PASSWORD = "load-test-pass-7391"
ARTICLE_SLUG = "posting-load-test"
SEED_COMMENTS = 10
MAX_POSTERS = 200
MAX_PER_POSTER = 100
# A browser waits minutes for an answer; requests queue behind gunicorn's workers when 50
# readers post at once, so a short client timeout would measure the queue, not storage.
REQUEST_TIMEOUT = 300
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_COMMENT_ID = re.compile(r"#c(\d+)$")
_ERROR_TEXT = re.compile(r'class="(?:errorlist[^"]*|message[^"]*)"[^>]*>(.*?)</', re.S)


# --- the database ------------------------------------------------------------------------------


def sqlite_env(path: Path | str) -> dict[str, str]:
    """Environment for a server (and its helpers) on the SQLite file `path`."""
    env = _base_env()
    env.pop("DATABASE_URL", None)
    env["AGORA_SQLITE_PATH"] = str(path)
    return env


def postgres_env(url: str) -> dict[str, str]:
    env = _base_env()
    env["DATABASE_URL"] = url
    return env


@contextmanager
def throwaway_database(label: str) -> Iterator[dict[str, str]]:
    """The environment of a new, empty database of the same kind as the configured one (a
    temporary SQLite file, or a PostgreSQL database named after the configured one plus
    `label`), removed afterwards."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        with tempfile.TemporaryDirectory(prefix=f"agora-{label}-") as folder:
            yield sqlite_env(Path(folder) / "db.sqlite3")
        return
    import psycopg

    name = f"{db['NAME']}_{label}_{os.getpid()}"[:63]
    admin = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = admin["user"] + (f":{quote(admin['password'])}" if admin["password"] else "")
    try:
        yield postgres_env(f"postgres://{auth}@{admin['host']}:{admin['port']}/{name}")
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"  # the site's, with the bench's URLconf
    # Storage is measured here, not abuse control: the posting limit is lifted for the run.
    env["AGORA_RATE_POST_COMMENT"] = "1000000"
    env["DJANGO_DEBUG"] = "1"
    env.pop("REDIS_URL", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def shell_json(env: dict[str, str], code: str) -> dict:
    """Run `code` (which prints one JSON object as its last line) in `manage.py shell`."""
    out = manage(env, "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


@dataclass
class Plan:
    """What prepare_database made: the article, its first comments and the posters."""

    slug: str
    usernames: list[str]
    seed_ids: list[int]


def prepare_database(env: dict[str, str], *, posters: int) -> Plan:
    """Migrate, then create `posters` accounts in good standing (two approved comments each
    on another article, so moderation's new-account rule publishes them) and the article
    they discuss, with a few comments to reply to."""
    if not 1 <= posters <= MAX_POSTERS:
        raise ValueError(f"posters must be between 1 and {MAX_POSTERS}")
    manage(env, "migrate", "--noinput")
    result = shell_json(env, f"from bench.loadtest import _seed; _seed({posters})")
    return Plan(ARTICLE_SLUG, result["usernames"], result["seed_ids"])


def _seed(posters: int) -> None:
    """Inside the target database (called through `manage.py shell`)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from archive.models import Article, Source
    from comments.models import Comment, CommentStatus
    from moderation.models import ModerationSettings

    User = get_user_model()
    # One hash for every account: hashing 50 passwords one by one would dominate the setup.
    hashed = make_password(PASSWORD)
    names = [f"poster{n:03d}" for n in range(posters)]
    User.objects.bulk_create(
        [User(username=name, email=f"{name}@example.org", password=hashed) for name in names],
        ignore_conflicts=True,
    )
    users = list(User.objects.filter(username__in=names).order_by("username"))
    source, _ = Source.objects.get_or_create(name="Load test source")

    def article(slug: str, title: str) -> Article:
        found = Article.objects.filter(slug=slug).first()
        if found:
            return found
        made = Article(source=source, title=title, slug=slug)
        made.set_body("<p>An article for the posting load test.</p>")
        made.save()
        return made

    history = article(f"{ARTICLE_SLUG}-history", "Posting load test: earlier discussion")
    target = article(ARTICLE_SLUG, "Posting load test")
    rules = ModerationSettings.load()
    now = timezone.now()
    if not Comment.objects.filter(article=history).exists():
        # Good standing the ordinary way: enough approved comments to pass the new-account rule.
        Comment.objects.bulk_create(
            Comment(
                article=history,
                user=user,
                body_source=f"Earlier comment {n} by {user.username}.",
                body_html=f"<p>Earlier comment {n} by {user.username}.</p>",
                status=CommentStatus.PUBLISHED,
                created=now,
            )
            for user in users
            for n in range(max(rules.new_account_approvals, 1))
        )
        history.refresh_comment_stats()
    if not Comment.objects.filter(article=target).exists():
        Comment.objects.bulk_create(
            Comment(
                article=target,
                archived_author_name=f"Reader {n}",
                is_archived=True,
                body_source=f"Opening comment {n}.",
                body_html=f"<p>Opening comment {n}.</p>",
                created=now,
                position=n,
            )
            for n in range(SEED_COMMENTS)
        )
        target.refresh_comment_stats()
    seed_ids = list(Comment.objects.filter(article=target).values_list("id", flat=True))
    print(json.dumps({"usernames": names, "seed_ids": seed_ids}))


# --- gunicorn ----------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command() -> list[str]:
    return [sys.executable, "-m", "gunicorn"]


def start_gunicorn(env: dict[str, str], *, workers: int = 4, wait: float = 60) -> Server:
    """gunicorn serving config.wsgi on a free loopback port; returns once it answers."""
    port = free_port()
    fd, name = tempfile.mkstemp(prefix="agora-gunicorn-", suffix=".log")
    log_path = Path(name)
    log = os.fdopen(fd, "w")  # the child keeps its own copy; ours is closed at once
    process = subprocess.Popen(
        [
            *gunicorn_command(),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
        ],
        env=env,
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    server = Server(process, port, log_path)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited at start:\n{server.log_tail()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(server)
    raise RuntimeError(f"gunicorn did not answer within {wait:.0f}s:\n{server.log_tail()}")


def stop_gunicorn(server: Server, *, wait: float = 20) -> None:
    """SIGTERM (graceful: workers finish their requests), then SIGKILL if it lingers."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
    try:
        server.log_path.unlink()
    except OSError:
        pass


# --- the posters -------------------------------------------------------------------------------


class Browser:
    """One reader's client: a keep-alive connection and the cookies the site sets."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the load test only talks to a loopback address")
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "agora-loadtest"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{self.host}:{self.port}"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed between requests: reconnect once.
                # (gunicorn's sync workers close after each response; no request was handled.)
                self.reconnect()
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, data.decode("utf-8", "replace")

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)

    def csrf_token(self, path: str) -> str:
        status, _, html = self.request("GET", path)
        match = _TOKEN.search(html)
        if status != 200 or match is None:
            raise RuntimeError(f"GET {path} gave {status} without a CSRF token")
        return match.group(1)

    def close(self) -> None:
        self.conn.close()


@dataclass
class PostingReport:
    posted_ids: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0


def run_posters(
    base_url: str,
    plan: Plan,
    *,
    posters: int,
    per_poster: int,
    reply_share: float = 0.5,
    seed: int = 1,
    deadline_seconds: float = 1200,
) -> PostingReport:
    """`posters` clients at once, each logging in and posting `per_poster` comments through
    `comments:post`; every answer must be a redirect to the new comment (the "fetch" posts
    get 201): anything else is an error."""
    if not 1 <= posters <= min(MAX_POSTERS, len(plan.usernames)):
        raise ValueError("posters must be between 1 and the number of prepared accounts")
    if not 1 <= per_poster <= MAX_PER_POSTER:
        raise ValueError(f"per_poster must be between 1 and {MAX_PER_POSTER}")
    report = PostingReport()
    lock = threading.Lock()
    known_ids = list(plan.seed_ids)
    stop_at = time.monotonic() + deadline_seconds
    post_path = f"/articles/{plan.slug}/comments/new/"
    run_id = secrets.token_hex(6)

    def poster(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        browser = Browser(base_url)
        try:
            token = browser.csrf_token("/accounts/login/")
            status, headers, _ = browser.request(
                "POST",
                "/accounts/login/",
                {
                    "csrfmiddlewaretoken": token,
                    "username": plan.usernames[number],
                    "password": PASSWORD,
                },
            )
            if status != 302:
                raise RuntimeError(f"log-in answered {status}")
            # The token rotates at log-in: read it again from the comment form, as a browser would.
            token = browser.csrf_token(post_path)
            for n in range(per_poster):
                if time.monotonic() > stop_at:
                    raise RuntimeError("the run took longer than its deadline")
                with lock:
                    parent = rng.choice(known_ids) if rng.random() < reply_share else None
                # Distinct texts: moderation refuses the same text twice within minutes.
                form = {
                    "csrfmiddlewaretoken": token,
                    "body": f"Comment {n + 1} of {per_poster} by poster {number}: "
                    f"the *ferry* timetable works for me ({run_id}).",
                    "idempotency_key": secrets.token_hex(16),
                }
                if parent is not None:
                    form["parent"] = str(parent)
                try:
                    status, headers, body = browser.request("POST", post_path, form)
                except OSError as exc:  # counted; the next comment goes on a new connection
                    browser.reconnect()
                    with lock:
                        report.errors.append(f"poster {number} comment {n + 1}: {exc!r}")
                    continue
                with lock:
                    report.requests += 1
                match = _COMMENT_ID.search(headers.get("Location") or "")
                if status != 302 or match is None:
                    detail = _error_detail(body)
                    with lock:
                        report.errors.append(f"poster {number} comment {n + 1}: {status} {detail}")
                    continue
                with lock:
                    report.posted_ids.append(int(match.group(1)))
                    known_ids.append(int(match.group(1)))
        except Exception as exc:  # one poster's failure is counted, the others go on
            with lock:
                report.errors.append(f"poster {number}: {exc.__class__.__name__}: {exc}")
        finally:
            browser.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=posters) as pool:
        list(pool.map(poster, range(posters)))
    report.seconds = time.perf_counter() - started
    return report


def _error_detail(body: str) -> str:
    if "database is locked" in body:
        return "database is locked"
    found = _ERROR_TEXT.search(body)
    return found.group(1).strip()[:200] if found else body[:200]


# --- verifying -----------------------------------------------------------------------------------


def verify(env: dict[str, str], plan: Plan) -> dict:
    """What the database holds after a run: comments stored by the posters, the article's
    counters against a recount, and every reply's parent and depth."""
    return shell_json(
        env, f"from bench.loadtest import _verify; _verify({plan.slug!r}, {len(plan.seed_ids)})"
    )


def _verify(slug: str, seeded: int) -> None:
    from archive.models import Article
    from comments.models import Comment, CommentStatus

    article = Article.objects.get(slug=slug)
    rows = list(
        Comment.objects.filter(article=article).values(
            "id", "parent_id", "depth", "status", "user_id", "article_id"
        )
    )
    by_id = {row["id"]: row for row in rows}
    bad_tree = 0
    for row in rows:
        parent = by_id.get(row["parent_id"]) if row["parent_id"] else None
        if row["parent_id"] and (parent is None or row["depth"] != parent["depth"] + 1):
            bad_tree += 1
        elif not row["parent_id"] and row["depth"] != 0:
            bad_tree += 1
    published = sum(1 for row in rows if row["status"] == CommentStatus.PUBLISHED)
    before = (article.comment_count, article.last_comment_at)
    article.refresh_comment_stats()
    article.refresh_from_db()
    after = (article.comment_count, article.last_comment_at)
    print(
        json.dumps(
            {
                "stored": sum(1 for row in rows if row["user_id"] is not None),
                "pending": sum(1 for row in rows if row["status"] == CommentStatus.PENDING),
                "replies": sum(1 for row in rows if row["parent_id"] and row["user_id"]),
                "total": len(rows) - seeded,
                "comment_count": before[0],
                "published": published,
                "recount_changed": before != after,
                "bad_tree": bad_tree,
                "ids": sorted(row["id"] for row in rows if row["user_id"] is not None),
            }
        )
    )


# --- all together --------------------------------------------------------------------------------


def run(env: dict[str, str], *, posters: int, per_poster: int, workers: int = 4, log=None) -> dict:
    """Prepare, serve, post, stop, verify; returns the figures and whether they hold."""
    say = log or (lambda message: None)
    say(f"preparing {posters} accounts")
    plan = prepare_database(env, posters=posters)
    say(f"starting gunicorn with {workers} workers")
    server = start_gunicorn(env, workers=workers)
    try:
        say(f"{posters} posters × {per_poster} comments")
        report = run_posters(server.base_url, plan, posters=posters, per_poster=per_poster)
    finally:
        stop_gunicorn(server)
    checks = verify(env, plan)
    expected = posters * per_poster
    ids = checks.pop("ids")
    return {
        "expected": expected,
        "stored": checks["stored"],
        "errors": len(report.errors),
        "error_samples": report.errors[:5],
        "seconds": round(report.seconds, 2),
        "comments_per_s": round(checks["stored"] / report.seconds, 1) if report.seconds else 0,
        "responses_match_rows": sorted(report.posted_ids) == ids,
        **checks,
    }


def consistent(result: dict) -> bool:
    return (
        result["stored"] == result["expected"]
        and result["total"] == result["expected"]
        and result["errors"] == 0
        and result["pending"] == 0
        and result["responses_match_rows"]
        and result["comment_count"] == result["published"]
        and not result["recount_changed"]
        and result["bad_tree"] == 0
    )
