"""The admin upload benchmark (`manage.py bench upload [--quick]`): a zip of generated articles
(50 comments each) through the admin's pages, as an admin's browser sends them, with a
database-backed task queue and its worker, in a throwaway database.

Each request is timed: the upload, the progress page while the worker reads, the preview, the
confirmation, the progress page while the worker imports, the result. The worker's two runs
are timed apart: they are background work, not requests."""

from __future__ import annotations

import html
import re
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from bench.imports import generate
from bench.registry import register, target

UPLOAD = "/admin/archive/article/import/"
# The bar: no request of the admin's import over this many seconds.
MAX_REQUEST_SECONDS = 2.0


def _form_data(page: str) -> dict[str, str]:
    """The preview's formset as a browser submits it unchanged (inputs and textareas)."""
    form = page[page.index('id="import-preview-form"') :]
    form = form[: form.index("</form>")]
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data[name[1]] = "on"
            continue
        data[name[1]] = html.unescape(value[1]) if value else ""
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S
    ):
        data[name] = html.unescape(value.strip("\n"))
    return data


class _Timer:
    def __init__(self) -> None:
        self.requests: dict[str, float] = {}

    def request(self, label: str, call):
        start = time.perf_counter()
        response = call()
        self.requests[label] = time.perf_counter() - start
        return response


def _run_worker() -> float:
    start = time.perf_counter()
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    return time.perf_counter() - start


@register("upload")
def upload_bench(*, quick: bool, log) -> dict:
    """Request times of the admin import of a zip of articles (1,000; --quick 50)."""
    count, per_article = (50, 50) if quick else (1000, 50)
    with tempfile.TemporaryDirectory(prefix="agora-bench-upload-") as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        log(f"writing {count} articles with {per_article} comments each…")
        generate(folder, count, per_article)
        archive = Path(tmp) / "articles.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            for path in sorted(folder.iterdir()):
                out.write(path, path.name)
        zip_megabytes = round(archive.stat().st_size / 1e6, 2)
        if connection.vendor == "sqlite":
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(Path(tmp) / "bench.db")
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            with override_settings(
                DEBUG=False,
                ALLOWED_HOSTS=["*"],
                AGORA_IMPORT_DIR=Path(tmp) / "imports",
                TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
            ):
                figures = _measure(archive, count, log)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    slowest = max(figures["request_seconds"].values())
    return {
        "database": connection.vendor,
        "documents": count,
        "comments_per_document": per_article,
        "zip_megabytes": zip_megabytes,
        **figures,
        "slowest_request_seconds": round(slowest, 3),
        "targets": {"slowest_request_seconds": target(slowest, MAX_REQUEST_SECONDS)},
    }


def _measure(archive: Path, count: int, log) -> dict:
    admin = get_user_model().objects.create_superuser("bench-admin", "admin@example.org", None)
    client = Client()
    client.force_login(admin)
    timer = _Timer()
    data = archive.read_bytes()
    upload = SimpleUploadedFile("articles.zip", data, content_type="application/zip")
    log("uploading…")
    response = timer.request("upload", lambda: client.post(UPLOAD, {"files": [upload]}))
    if response.status_code != 302:
        raise RuntimeError(f"the upload was refused: {response.status_code}")
    preview = response["Location"]
    waiting = timer.request("progress_while_reading", lambda: client.get(preview))
    if b"Reading the uploaded files" not in waiting.content:
        raise RuntimeError("the upload was read inside the request")
    timer.request("progress_json", lambda: client.get(preview, HTTP_ACCEPT="application/json"))
    log("the worker reads…")
    read_seconds = _run_worker()
    page = timer.request("preview", lambda: client.get(preview))
    if page.status_code != 200 or b"import-preview-form" not in page.content:
        raise RuntimeError(f"no preview: {page.status_code}")
    form = _form_data(page.content.decode())
    confirmed = timer.request("confirm", lambda: client.post(preview, form))
    if confirmed.status_code != 302:
        raise RuntimeError(f"the confirmation was refused: {confirmed.status_code}")
    status = confirmed["Location"]
    timer.request("progress_while_importing", lambda: client.get(status))
    log("the worker imports…")
    import_seconds = _run_worker()
    result = timer.request("result", lambda: client.get(status))
    text = result.content.decode()
    if f"{count} imported" not in text:
        found = re.search(r"\d+ imported, \d+ updated, \d+ unchanged, \d+ failed", text)
        raise RuntimeError(f"the import did not complete: {found and found[0]}")
    return {
        "request_seconds": {k: round(v, 3) for k, v in timer.requests.items()},
        "median_request_seconds": round(statistics.median(timer.requests.values()), 3),
        "preview_page_kilobytes": round(len(page.content) / 1024, 1),
        "result_page_kilobytes": round(len(result.content) / 1024, 1),
        "worker_read_seconds": round(read_seconds, 2),
        "worker_import_seconds": round(import_seconds, 2),
        "documents_per_second_in_worker": round(count / (read_seconds + import_seconds), 1),
    }
