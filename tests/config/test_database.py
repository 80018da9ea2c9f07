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
