"""gunicorn.conf.py serves the site: workers from the environment, the access log, /healthz,
and a clean stop on SIGTERM."""

import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_BIND", "unix:/run/agora.sock")
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == 3
    assert config["bind"] == ["unix:/run/agora.sock"]
    assert config["accesslog"] is None
    assert config["preload_app"] is True
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["graceful_timeout"] > 0


def test_the_default_worker_count_follows_the_cores(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == 2 * os.cpu_count() + 1


def test_gunicorn_serves_health_logs_access_and_stops_cleanly(tmp_path):
    port = free_port()
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        AGORA_SQLITE_PATH=str(tmp_path / "db.sqlite3"),  # SELECT 1 needs no tables
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        AGORA_TASKS_BACKEND="immediate",  # no tables: no queue to read
    )
    environment.pop("DATABASE_URL", None)
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    body = response.read()
            except OSError:
                time.sleep(0.2)
        assert body == b'{"status": "ok", "database": "ok", "cache": "ok", "tasks": "ok"}', (
            log.read_text()
        )
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=40)
    text = log.read_text()
    assert returncode == 0, text
    assert '"GET /healthz HTTP/1.1" 200' in text, "the access log names the request"
    assert "Booting worker" in text
