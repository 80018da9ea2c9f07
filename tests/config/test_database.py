import pytest
from django.db import connection


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite connection settings only")
def test_sqlite_runs_in_wal_mode_with_immediate_transactions_and_a_busy_timeout(settings, db):
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite connection settings only")
def test_the_database_file_is_in_wal_mode_and_read_through_a_memory_map(tmp_path):
    """The test database lives in memory, where WAL and memory maps do not apply: open a file
    database with the same options and check the journal mode and map size it gets."""
    import sqlite3

    from django.conf import settings

    path = tmp_path / "wal.sqlite3"
    options = settings.DATABASES["default"]["OPTIONS"]
    conn = sqlite3.connect(path, timeout=options["timeout"])
    conn.executescript(options["init_command"])
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA mmap_size").fetchone()[0] == settings.SQLITE_MMAP_BYTES > 0
    conn.close()


def settings_under(env: dict, code: str) -> str:
    """Run `code` with Django set up under `env` (a fresh process reads the settings anew)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    script = "import django; django.setup()\nfrom django.conf import settings\n" + code
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=environ, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sqlite_named_by_database_url_gets_the_same_settings(tmp_path):
    url = f"sqlite:///{tmp_path / 'named.sqlite3'}"
    out = settings_under(
        {"DATABASE_URL": url},
        "from django.db import connection\n"
        "o = settings.DATABASES['default']['OPTIONS']\n"
        "c = connection.cursor()\n"
        "c.execute('PRAGMA journal_mode'); mode = c.fetchone()[0]\n"
        "c.execute('PRAGMA busy_timeout'); busy = c.fetchone()[0]\n"
        "c.execute('PRAGMA mmap_size'); mmap = c.fetchone()[0]\n"
        "print(o['transaction_mode'], mode, busy, mmap == settings.SQLITE_MMAP_BYTES > 0)",
    )
    assert out == "IMMEDIATE wal 20000 True"


def test_postgresql_connections_are_checked_before_reuse():
    out = settings_under(
        {"DATABASE_URL": "postgres://agora@127.0.0.1:5432/agora"},
        "d = settings.DATABASES['default']\nprint(d['CONN_HEALTH_CHECKS'], d['CONN_MAX_AGE'])",
    )
    assert out == "True 60"
