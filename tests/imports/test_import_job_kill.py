"""The admin's import runs in the task worker: a worker killed half-way (SIGKILL) leaves whole
articles and the upload's progress, and the task, queued again, finishes the import.

As in production: a database-backed queue, a `manage.py db_worker` subprocess, a throwaway
database of the suite's kind, the upload's folder on disk (tests/imports/test_import_kill.py
does the same for `manage.py import_articles`)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import zipfile

from bench.loadtest import BASE_DIR, manage, shell_json, throwaway_database
from tests.imports.test_import_kill import (
    ARTICLES,
    COMMENTS,
    SNAPSHOT,
    article_count,
    assert_complete,
    write_articles,
)

ENQUEUE = """
import json
from pathlib import Path
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from imports import tasks, uploads
boss = get_user_model().objects.create_superuser("boss", "boss@example.org", None)
upload = SimpleUploadedFile("articles.zip", Path({zip!r}).read_bytes())
token = uploads.store_upload([upload], None, boss)
folder = uploads.live_folder(token)
uploads.store_choices(folder, {{}}, set())
uploads.write_state(folder, stage="importing", done=0, total=uploads.count_files(folder))
tasks.import_upload.enqueue(token)
print(json.dumps({{"token": token}}))
"""


def worker(env: dict[str, str], *extra: str) -> list[str]:
    return [
        sys.executable,
        str(BASE_DIR / "manage.py"),
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        *extra,
    ]


def test_a_killed_worker_leaves_whole_articles_and_the_requeued_task_finishes(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    expected = write_articles(folder)
    archive = tmp_path / "articles.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(folder.iterdir()):
            out.write(path, path.name)
    imports = tmp_path / "imports"
    with throwaway_database("import_job") as env:
        # More files than an upload may hold by default, so that the import spans batches.
        env = {
            **env,
            "AGORA_TASKS_BACKEND": "database",
            "AGORA_IMPORT_DIR": str(imports),
            "AGORA_IMPORT_MAX_FILES": str(2 * ARTICLES),
        }
        manage(env, "migrate", "--noinput")
        token = shell_json(env, ENQUEUE.format(zip=str(archive)))["token"]
        state_file = imports / token / "state.json"
        process = subprocess.Popen(
            worker(env), env=env, cwd=BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 120
            while article_count(env) < 5:
                assert process.poll() is None, process.stderr.read().decode()[-3000:]
                state = json.loads(state_file.read_text())
                assert state["stage"] != "done", f"the import ended first: {state}"
                assert time.monotonic() < deadline, "the worker saved nothing in two minutes"
                time.sleep(0.02)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            process.stderr.close()
        assert process.returncode == -signal.SIGKILL

        # What the progress page shows: the import under way, part of it done.
        state = json.loads(state_file.read_text())
        assert state["stage"] == "importing" and state["total"] == ARTICLES
        first = shell_json(env, SNAPSHOT)
        assert 5 <= len(first) < ARTICLES, "the kill came too late to test anything"
        assert_complete(first, expected)
        assert (imports / token / "files" / "articles.zip").exists(), "the upload was lost"

        # The task is kept, RUNNING under a dead worker: queued again, a worker finishes it.
        assert "1 stale task(s)" in manage(env, "requeue_stale_tasks", "--minutes", "0")
        done = subprocess.run(
            worker(env, "--batch"), env=env, cwd=BASE_DIR, capture_output=True, timeout=300
        )
        assert done.returncode == 0, done.stderr.decode()[-3000:]

        assert json.loads(state_file.read_text())["stage"] == "done"
        result = json.loads((imports / token / "result.json").read_text())
        assert result["failed"] == 0
        assert result["imported"] + result["unchanged"] == ARTICLES
        assert result["unchanged"] == len(first) and result["updated"] == 0
        second = shell_json(env, SNAPSHOT)
        assert len(second) == ARTICLES
        assert_complete(second, expected)
        for url, row in first.items():
            assert second[url] == row, f"{url} changed when the import ran again"
        assert sum(row["comments"] for row in second.values()) == ARTICLES * COMMENTS
        assert not (imports / token / "files").exists(), "the uploaded bytes were kept"
