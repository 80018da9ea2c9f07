"""Every benchmark runs end to end in its --quick size and prints its figures as one JSON line
with its targets, on whichever database the suite uses. (A bench that writes raw SQL rots
silently when a model gains a column: this is what notices.) Each runs as `manage.py bench`
in a process of its own, as a person runs it, since a bench makes and drops its own throwaway
database. `http` and `posting` have their own end-to-end tests."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "figures"),
    [
        (
            "import",
            {
                "documents_per_second",
                "whole_to_parse_ratio",
                "database_to_parse_ratio",
                "storage_floor_to_parse_ratio",
                "peak_memory_mb",
            },
        ),
        ("thread", {"queries_per_page", "show_all_ms", "raw_fetch_ms"}),
        ("upload", {"request_seconds", "slowest_request_seconds", "worker_import_seconds"}),
        (
            "search",
            {"db_ms", "database_ms", "page_ms", "icontains_ms", "icontains_vs_index_speedup"},
        ),
    ],
)
def test_the_bench_runs_quick_and_prints_its_figures(name, figures):
    env = dict(os.environ)
    url = env.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        # A bench makes its throwaway database as a test database (test_<name>): under another
        # name than this test session's own, which is in use.
        parts = urlsplit(url)
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=parts.path + "_benchtest"))
    done = subprocess.run(
        [sys.executable, "manage.py", "bench", name, "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["bench"] == name
    assert figures <= set(result)
    assert result["targets"]
    for figure in result["targets"].values():
        assert set(figure) == {"value", "limit", "ok"}
    if name == "import":  # the database part is timed inside the whole, never beside it
        assert result["database_statements"] > 0
        assert 0 < result["database_seconds"] < result["whole_seconds"]
    if name == "search":
        assert result["database_ms"]["total"] > 0
