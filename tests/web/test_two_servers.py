"""Several app servers: two gunicorn servers on ports of their own share one PostgreSQL
database, one Redis, one task worker and one import folder. A comment posted through one
shows at once on the other's page (the page cache both keep in Redis is invalidated for
both); an import uploaded through one is read and imported by the worker, its progress and
preview followed through the other."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.servers import RedisServer, free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("AGORA_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")

SETUP = """
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from archive.models import Article, Source
from moderation.models import ModerationSettings
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
rules = ModerationSettings.load()
rules.new_account_approvals = 0
rules.save()
get_user_model().objects.create_user("writer", "writer@example.org", "a long passphrase 1")
get_user_model().objects.create_superuser("boss", "boss@example.org", "a long passphrase 2")
source = Source.objects.create(name="The Harbour Times", slug="harbour-times")
article = Article(source=source, title="Ferries return", slug="ferries-return")
article.set_body("<p>The ferries return on Monday.</p>")
article.save()
"""


class Browser:
    """Just enough of a browser over plain HTTP behind a trusted TLS proxy: keeps cookies
    (the site's are Secure), says the request came in over HTTPS, follows no redirects."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        port: int,
        method: str,
        path: str,
        form: dict | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        accept: str = "text/html",
    ):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept": accept}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files is not None:
            body, headers["Content-Type"] = multipart(form or {}, files)
            headers["Referer"] = f"https://127.0.0.1{path}"
        elif form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        connection.close()
        return response, content


def multipart(form: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in form.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content) in files.items():
        head = (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class FormFields(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.fields:
            # The form with this id, or (no id given) the page's first POST form.
            wanted = attrs.get("id") == self.form_id if self.form_id else True
            self.inside = wanted and (attrs.get("method") or "").lower() == "post"
        elif tag == "input" and self.inside and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> dict:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def _postgres_database():
    psycopg = pytest.importorskip("psycopg")
    name = f"agora_two_servers_{os.getpid()}"
    try:
        admin = psycopg.connect(PG, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL to share: {error}")
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    return admin, name


@pytest.fixture
def two_servers(tmp_path):
    if RedisServer.binary is None:
        pytest.skip("redis-server is missing")
    admin, name = _postgres_database()
    redis = RedisServer(tmp_path).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="two-servers-test-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        AGORA_TRUSTED_PROXIES="127.0.0.1",
        DATABASE_URL=urllib.parse.urlparse(PG)._replace(path=f"/{name}").geturl(),
        REDIS_URL=redis.url,
        AGORA_PAGE_CACHE_SECONDS="60",
        WEB_CONCURRENCY="2",
        AGORA_STATIC_ROOT=str(tmp_path / "static"),
        AGORA_TASKS_BACKEND="database",
        AGORA_IMPORT_DIR=str(tmp_path / "imports"),
    )
    setup = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            log = open(tmp_path / f"gunicorn-{port}.log", "wb")
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            servers.append((port, process, log))
        log = open(tmp_path / "worker.log", "wb")
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        servers.append((None, worker, log))
        for port, _, _ in servers:
            if port is not None:
                wait_for_port(port, seconds=30)
        yield [port for port, _, _ in servers if port is not None]
    finally:
        for _, process, log in servers:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=40)
            log.close()
        redis.kill()
        for _ in range(20):
            try:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except Exception:
                time.sleep(0.5)
        admin.close()


def test_a_comment_posted_through_one_server_shows_at_once_on_the_other(two_servers):
    one, other = two_servers
    started = time.monotonic()
    reader, writer = Browser(), Browser()
    page = "/articles/ferries-return/"
    response, _ = reader.request(other, "GET", page)
    assert response.status == 200
    response, _ = reader.request(other, "GET", page)
    assert response.getheader("X-Page-Cache") == "hit", "the other server keeps the page"

    _, login_page = writer.request(one, "GET", "/accounts/login/")
    fields = form_fields(login_page, "")
    fields.update(username="writer", password="a long passphrase 1")
    response, _ = writer.request(one, "POST", "/accounts/login/", fields)
    assert response.status == 302, "signed in"
    _, article_page = writer.request(one, "GET", page)
    fields = form_fields(article_page, "comment-form")
    fields.update(body="Seen from the other server too.", post="1")
    response, _ = writer.request(one, "POST", "/articles/ferries-return/comments/new/", fields)
    assert response.status in (302, 303), response.status

    response, html = reader.request(other, "GET", page)
    assert response.status == 200
    assert "Seen from the other server too." in html
    assert time.monotonic() - started < 30
    print(f"two-server test body: {time.monotonic() - started:.2f} s")


FERRY = b"""Title: Ferry timetable published
Source: The Harbour Times
Published: 2025-03-14
---

The new timetable starts on Monday.

\xe2\x80\xa2 Ann

  About time.
"""


def wait_until_finished(browser: Browser, port: int, path: str) -> dict:
    deadline = time.monotonic() + 60
    while True:
        response, body = browser.request(port, "GET", path, accept="application/json")
        assert response.status == 200, body[-2000:]
        state = json.loads(body)
        if state["finished"]:
            return state
        assert time.monotonic() < deadline, f"the worker did not finish: {state}"
        time.sleep(0.2)


def test_an_import_uploaded_through_one_server_is_followed_through_the_other(two_servers):
    one, other = two_servers
    started = time.monotonic()
    admin = Browser()
    _, login_page = admin.request(one, "GET", "/admin/login/")
    fields = form_fields(login_page, "login-form")
    fields.update(username="boss", password="a long passphrase 2")
    response, _ = admin.request(one, "POST", "/admin/login/", fields)
    assert response.status == 302, "signed in"

    _, upload_page = admin.request(one, "GET", "/admin/archive/article/import/")
    fields = form_fields(upload_page, "import-upload-form")
    response, body = admin.request(
        one, "POST", "/admin/archive/article/import/", fields, {"files": ("ferry.txt", FERRY)}
    )
    assert response.status == 302, body[-2000:]
    preview = urllib.parse.urlparse(response.getheader("Location")).path

    # The worker reads it; the other server shows the progress, then the preview.
    state = wait_until_finished(admin, other, preview)
    assert state["total"] == 1 and state["failed"] == 0
    response, page = admin.request(other, "GET", preview)
    assert response.status == 200 and "Ferry timetable published" in page
    fields = form_fields(page, "import-preview-form")
    fields["form-0-include"] = "on"
    response, body = admin.request(other, "POST", preview, fields)
    assert response.status == 302, body[-2000:]
    status = urllib.parse.urlparse(response.getheader("Location")).path

    wait_until_finished(admin, one, status)
    response, page = admin.request(other, "GET", status)
    assert response.status == 200 and "1 imported" in page
    response, page = Browser().request(one, "GET", "/articles/")
    assert "Ferry timetable published" in page
    assert time.monotonic() - started < 60
    print(f"two-server import body: {time.monotonic() - started:.2f} s")
