"""Anonymous GETs read from the replica; a signed-in reader, any write, and a browser that
wrote a moment ago read from the primary. The last test runs against a real streaming
replica that it starts itself (initdb, pg_basebackup) on ports of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from tests.servers import free_port
from web import replica

ROOT = Path(__file__).resolve().parents[2]


def reads_during(request) -> tuple[str, HttpResponse]:
    seen = {}

    def view(request):
        seen["db"] = replica.ReplicaRouter().db_for_read(None)
        return HttpResponse("ok")

    response = replica.ReplicaMiddleware(view)(request)
    return seen["db"], response


def test_an_anonymous_get_reads_from_the_replica(settings):
    db, _ = reads_during(RequestFactory().get("/articles/"))
    assert db == "replica"


def test_a_signed_in_get_reads_from_the_primary(settings):
    request = RequestFactory().get("/articles/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert reads_during(request)[0] == "default"


def test_a_write_reads_the_primary_and_pins_the_browser_there(settings):
    settings.AGORA_REPLICA_PIN_SECONDS = 7
    db, response = reads_during(RequestFactory().post("/comments/"))
    assert db == "default"
    cookie = response.cookies[replica.PIN_COOKIE]
    assert cookie["max-age"] == 7 and cookie["httponly"]
    pinned = RequestFactory().get("/articles/")
    pinned.COOKIES[replica.PIN_COOKIE] = "1"
    assert reads_during(pinned)[0] == "default"


def test_outside_a_request_reads_go_to_the_primary():
    assert replica.ReplicaRouter().db_for_read(None) == "default"
    assert replica.ReplicaRouter().db_for_write(None) == "default"
    assert not replica.ReplicaRouter().allow_migrate("replica", "archive")


def _pg_bin() -> Path | None:
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists() and (folder / "pg_basebackup").exists():
            return folder
    found = shutil.which("pg_basebackup")
    return Path(found).parent if found and shutil.which("initdb") else None


PG_BIN = _pg_bin()


def _as_postgres(*command: str | Path) -> list[str]:
    if os.geteuid() == 0:  # initdb refuses to run as root
        return ["runuser", "-u", "postgres", "--", *map(str, command)]
    return list(map(str, command))


class Cluster:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port

    def start(self) -> None:
        subprocess.run(
            _as_postgres(PG_BIN / "pg_ctl", "-D", self.folder, "-l", f"{self.folder}.log")
            + ["-w", "-t", "60", "start"],
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        pid_file = self.folder / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            subprocess.run(["kill", "-QUIT", str(pid)], check=False)
            for _ in range(100):
                if not pid_file.exists():
                    break
                time.sleep(0.1)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def primary_and_replica():
    if PG_BIN is None:
        pytest.skip("PostgreSQL's server tools (initdb, pg_basebackup) are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: initdb cannot run")
    # Not under pytest's own temporary folder, which only its owner may enter.
    folder = Path(tempfile.mkdtemp(prefix="agora-replica-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    primary = Cluster(folder / "primary", free_port())
    standby = Cluster(folder / "standby", free_port())
    subprocess.run(
        _as_postgres(PG_BIN / "initdb", "-D", primary.folder, "-A", "trust", "-U", "postgres"),
        check=True,
        capture_output=True,
    )
    conf = f"""
        port = {primary.port}
        listen_addresses = '127.0.0.1'
        unix_socket_directories = '{folder}'
        wal_level = replica
        max_wal_senders = 4
        fsync = off
    """
    subprocess.run(
        _as_postgres("sh", "-c", f"cat >> {primary.folder}/postgresql.conf"),
        input=textwrap.dedent(conf).encode(),
        check=True,
    )
    subprocess.run(
        _as_postgres("sh", "-c", f"cat >> {primary.folder}/pg_hba.conf"),
        input=b"host replication all 127.0.0.1/32 trust\n",
        check=True,
    )
    primary.start()
    try:
        subprocess.run(
            _as_postgres(PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", primary.port)
            + ["-U", "postgres", "-D", str(standby.folder), "-R", "-X", "stream"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            _as_postgres("sh", "-c", f"cat >> {standby.folder}/postgresql.auto.conf"),
            input=f"port = {standby.port}\n".encode(),
            check=True,
        )
        standby.start()
        yield primary, standby
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(folder, ignore_errors=True)


SCRIPT = """
import time
import django
django.setup()
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from archive.models import Article, Source

call_command("migrate", verbosity=0)
source = Source.objects.create(name="The Harbour Times", slug="harbour-times")
article = Article(source=source, title="Ferries return", slug="ferries-return")
article.set_body("<p>The ferries return on Monday.</p>")
article.save()
replica = connections["replica"]
for _ in range(200):  # wait until the replica has replayed the write
    if Article.objects.using("replica").filter(slug="ferries-return").exists():
        break
    time.sleep(0.05)
client = Client()
with CaptureQueriesContext(replica) as on_replica:
    assert client.get("/articles/ferries-return/").status_code == 200
print("anonymous reads on the replica:", len(on_replica) > 0)
response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
print("pinned:", "agora_primary" in response.cookies)
with CaptureQueriesContext(replica) as on_replica:
    assert client.get("/articles/ferries-return/").status_code == 200
print("pinned reads on the replica:", len(on_replica))
"""


def test_anonymous_pages_read_a_real_streaming_replica(primary_and_replica):
    primary, standby = primary_and_replica
    subprocess.run(
        _as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", primary.port)
        + ["-U", "postgres", "agora"],
        check=True,
        capture_output=True,
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": primary.url("agora"),
        "AGORA_DATABASE_REPLICA_URL": standby.url("agora"),
        "REDIS_URL": "",
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "AGORA_PAGE_CACHE_SECONDS": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines() == [
        "anonymous reads on the replica: True",
        "pinned: True",
        "pinned reads on the replica: 0",
    ]
