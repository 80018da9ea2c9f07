"""`python manage.py bench http [--quick]`: requests per second through gunicorn.

It builds a throwaway database (an SQLite file in a temporary folder, or, when DATABASE_URL
names a PostgreSQL server, a database of its own on that server, dropped afterwards) with
demo-like data including an article under a 200-comment thread, collects the static files,
starts gunicorn (4 workers, production settings, DEBUG off) on a free loopback port and loads
each page with wrk (Debian's `wrk` package) when installed, else with a pool of Python
http.client workers. Each page's rate is reported as a ratio to a bare "hello" view served by
the same gunicorn and middleware, which factors out the machine. REDIS_URL, when set, is passed
on (the cache then is Redis). Nothing leaves the loopback interface."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.registry import register, target

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4
CONCURRENCY = 16
ARTICLE_SLUG = "bench-the-bike-lane-on-harbour-road"
PAGES = {
    "hello": "/__bench/hello",
    "article": f"/articles/{ARTICLE_SLUG}/",
    "home": "/",
    "search": "/search/?q=bike+lane",
}
# Pages that may not exist yet in every branch: a 404 there is reported, not counted as errors.
OPTIONAL = {"search"}

Log = Callable[[str], None]


def seed(*, quick: bool) -> None:
    """Demo-like data, written through the ORM (run inside the throwaway database)."""
    import datetime

    from django.contrib.auth.models import User

    from archive.models import Article, Author, Source
    from comments.models import Comment
    from web.markup import render_markdown
    from web.sanitize import paragraphs_to_html

    sentences = (
        "The council met on Tuesday evening to discuss the plans for the harbour road.",
        "Residents who live near the quay said the traffic had grown every year since 2019.",
        "A shopkeeper worried that deliveries would be harder without parking outside.",
        "Cyclists pointed to the school at the end of the road and the children who ride there.",
        "The engineers' report, published in March, estimated the cost at four million.",
    )
    sources = [
        Source.objects.create(name=f"Bench Source {n}", homepage=f"https://s{n}.example/")
        for n in range(8)
    ]
    authors = [Author.objects.create(name=f"Bench Author {n}") for n in range(20)]
    for n in range(30 if quick else 120):
        article = Article(
            source=sources[n % len(sources)],
            title=f"Bench article {n}: the harbour road, the quay and the budget",
            kicker="Transport" if n % 2 else "",
            dek=sentences[n % len(sentences)],
            published=datetime.date(2020, 1, 1) + datetime.timedelta(days=n * 9),
        )
        article.set_body(paragraphs_to_html([" ".join(sentences)] * 6))
        article.save()
        article.authors.set([authors[n % len(authors)]])

    article = Article(
        source=sources[0],
        title="The bike lane on Harbour Road",
        slug=ARTICLE_SLUG,
        kicker="Opinion",
        dek="Why the city should finish what it started.",
        published=datetime.date(2025, 5, 2),
    )
    article.set_body(paragraphs_to_html([" ".join(sentences)] * 10))
    article.save()
    article.authors.set(authors[:2])

    readers = [User(username=f"bench-reader-{n}") for n in range(30)]
    for reader in readers:
        reader.set_unusable_password()
    User.objects.bulk_create(readers)
    readers = list(User.objects.filter(username__startswith="bench-reader-"))

    # 200 comments: 40 threads, each a chain of replies up to depth 4, in reading order.
    start = datetime.datetime(2025, 5, 2, 9, 0, tzinfo=datetime.UTC)
    position = 0
    for thread in range(40):
        parent = None
        for depth in range(5):
            body = f"Comment {position}: {sentences[(thread + depth) % len(sentences)]} **Yes.**"
            parent = Comment.objects.create(
                article=article,
                parent=parent,
                depth=depth,
                user=readers[position % len(readers)],
                body_source=body,
                body_html=render_markdown(body),
                created=start + datetime.timedelta(minutes=position),
                position=position,
            )
            position += 1
    article.refresh_comment_stats()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def throwaway_database(tmp: Path, log: Log) -> Iterator[dict[str, str]]:
    """Environment variables naming an empty database that is removed afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield {"AGORA_SQLITE_PATH": str(tmp / "bench.sqlite3"), "DATABASE_URL": ""}
        return
    import psycopg

    name = f"agora_bench_{os.getpid()}_{secrets.token_hex(3)}"
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    log(f"bench http: created PostgreSQL database {name}")
    try:
        yield {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def child_environment(tmp: Path, database: dict[str, str], port: int) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AGORA_", "GUNICORN_"))
        and key not in {"WEB_CONCURRENCY", "DATABASE_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="bench.settings",  # the site plus /__bench/hello
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback, no proxy in front
        DJANGO_LOG_LEVEL="ERROR",
        AGORA_STATIC_ROOT=str(tmp / "static"),
        AGORA_CACHE_DIR=str(tmp / "cache"),  # without REDIS_URL: the workers' shared cache
        AGORA_RATE_SEARCH=str(10**9),  # measure the page, not the rate limit
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="",
        WEB_CONCURRENCY=str(WORKERS),
        PYTHONUNBUFFERED="1",
    )
    environment.update({key: value for key, value in database.items() if value})
    return environment


def run(args: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(
        args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} failed:\n{result.stderr[-3000:]}")


@contextlib.contextmanager
def gunicorn(environment: dict[str, str], tmp: Path, base: str, log: Log) -> Iterator[None]:
    log_path = tmp / "gunicorn.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"gunicorn never became healthy:\n{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.2)
        log(f"bench http: gunicorn ({WORKERS} workers) healthy at {base}")
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def load_with_wrk(url: str, seconds: float) -> dict:
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CONCURRENCY}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    output = result.stdout
    total = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(bad.group(1)) if bad else 0
    if sockets:
        # A sync gunicorn worker closes the connection after each response; wrk counts the
        # close it then sees as a "read" error, which is not a failed request.
        connect, _read, write, timeout = (int(n) for n in sockets.groups())
        errors += connect + write + timeout
    return {"requests": total, "rps": rps, "errors": errors}


LOADER = r"""
import http.client, json, sys, threading, time
host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
seconds, threads = float(sys.argv[4]), int(sys.argv[5])
cap = 200_000  # bound the count as well as the time
lock = threading.Lock()
tally = {"requests": 0, "errors": 0}
deadline = time.monotonic() + seconds
def worker():
    connection = http.client.HTTPConnection(host, port, timeout=10)
    while time.monotonic() < deadline and tally["requests"] < cap:
        ok = False
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException):
            connection.close()
        with lock:
            tally["requests"] += 1
            tally["errors"] += 0 if ok else 1
started = time.monotonic()
pool = [threading.Thread(target=worker) for _ in range(threads)]
for thread in pool: thread.start()
for thread in pool: thread.join()
tally["elapsed"] = time.monotonic() - started
print(json.dumps(tally))
"""


def load_with_python(url: str, seconds: float) -> dict:
    """CONCURRENCY connections spread over processes, so the client's GIL is not the limit."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    processes = 4
    loaders = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                LOADER,
                parts.hostname,
                str(parts.port),
                path,
                str(seconds),
                str(CONCURRENCY // processes),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    tallies = [json.loads(loader.communicate(timeout=seconds + 60)[0]) for loader in loaders]
    requests = sum(t["requests"] for t in tallies)
    elapsed = max(t["elapsed"] for t in tallies)
    return {
        "requests": requests,
        "rps": requests / elapsed,
        "errors": sum(t["errors"] for t in tallies),
    }


def load_pages(base: str, paths: dict[str, str], load, seconds: float, loader: str, log: Log):
    pages: dict[str, dict] = {}
    for page, path in paths.items():
        url = base + path
        status = status_of(url)
        if status == 404 and page in OPTIONAL:
            pages[page] = {"missing": True, "status": 404}
            continue
        if status != 200:
            pages[page] = {"status": status, "errors": 1, "rps": 0.0}
            continue
        for _ in range(20):  # warm each worker's caches and connections
            status_of(url)
        log(f"bench http: loading {path} for {seconds:g}s with {loader}")
        pages[page] = {"status": 200, **load(url, seconds)}
        pages[page]["rps"] = round(pages[page]["rps"], 1)
    return pages


def add_ratios(pages: dict[str, dict]) -> None:
    hello = pages["hello"].get("rps") or 0.0
    for figures in pages.values():
        if "rps" in figures and hello:
            figures["ratio_to_hello"] = round(figures["rps"] / hello, 3)


@register("http")
def http(*, quick: bool, log: Log) -> dict:
    """Requests/s through gunicorn of the article (200 comments), home and search pages vs hello."""
    seconds = 2.0 if quick else 8.0
    loader = "wrk" if shutil.which("wrk") else "python"
    load = load_with_wrk if loader == "wrk" else load_with_python
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="agora-bench-") as name:
        tmp = Path(name)
        with throwaway_database(tmp, log) as database:
            environment = child_environment(tmp, database, port)
            log("bench http: migrating and seeding the throwaway database")
            run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], environment)
            run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], environment)
            run(
                [
                    sys.executable,
                    "-c",
                    "import django; django.setup(); from bench.http import seed; "
                    f"seed(quick={quick})",
                ],
                environment,
            )
            with gunicorn(environment, tmp, base, log):
                with urllib.request.urlopen(base + PAGES["article"], timeout=10) as response:
                    response.read()
                with urllib.request.urlopen(base + PAGES["article"], timeout=10) as response:
                    page_cache = response.headers.get("X-Page-Cache") == "hit"
                pages = load_pages(base, PAGES, load, seconds, loader, log)
            # The same pages rendered on every request: what the page cache saves, and what a
            # reader with a session (never served from it) costs.
            environment["AGORA_PAGE_CACHE_SECONDS"] = "0"
            with gunicorn(environment, tmp, base, log):
                uncached = load_pages(base, PAGES, load, seconds / 2, loader, log)
    add_ratios(pages)
    add_ratios(uncached)
    errors = sum(figures.get("errors", 0) for figures in [*pages.values(), *uncached.values()])
    article_ratio = pages["article"].get("ratio_to_hello", 0.0)
    return {
        "database": "postgresql" if database.get("DATABASE_URL") else "sqlite",
        "cache": "redis" if os.environ.get("REDIS_URL") else "files",
        "page_cache": "on" if page_cache else "off",
        "workers": WORKERS,
        "concurrency": CONCURRENCY,
        "seconds_per_page": seconds,
        "loader": loader,
        "pages": pages,
        "pages_without_page_cache": uncached,
        "missing": [page for page, figures in pages.items() if figures.get("missing")],
        "targets": {
            "article_rps_ratio_to_hello": target(article_ratio, 0.5, at_most=False),
            "errors": target(errors, 0),
        },
    }
