"""The admin's import as background work, in two tasks a worker runs: reading an upload for
its preview, and importing it once the admin has confirmed. Each keeps its state in the
upload's folder (uploads.py), which every app server shares, so the progress page can be
served by any of them. Both are idempotent: run again, the preview is read again, and the
import finds the documents it already saved unchanged, so each is imported once."""

from __future__ import annotations

import time

from imports import uploads
from imports.pipeline import Failure, ImportSummary, import_paths
from web.tasking import retried_task

# The progress page is read often and written here no more than this often.
PROGRESS_EVERY_SECONDS = 0.5
# The progress page lists the latest failures and warnings; the result page has them all.
PROGRESS_LISTED = 20


class _Progress:
    """Writes the stage's progress to the upload's state, at most every half second: files
    done of the total, and the failures and warnings so far."""

    def __init__(self, folder, stage: str) -> None:
        self.folder, self.stage, self.written = folder, stage, 0.0
        self.failures: list[Failure] = []
        self.warnings: list[str] = []
        self.total = uploads.count_files(folder)
        self.write(0)

    def watch(self, summary: ImportSummary) -> ImportSummary:
        self.failures, self.warnings = summary.failures, summary.warnings
        return summary

    def __call__(self, done: int, total: int = 0, path: str = "") -> None:
        now = time.monotonic()
        if now - self.written >= PROGRESS_EVERY_SECONDS or done >= self.total:
            self.write(done)
            self.written = now

    def write(self, done: int) -> None:
        uploads.write_state(
            self.folder,
            stage=self.stage,
            done=done,
            total=max(self.total, done),
            failed=len(self.failures),
            failures=[
                {"path": f.path, "reason": f.reason} for f in self.failures[-PROGRESS_LISTED:]
            ],
            warned=len(self.warnings),
            warnings=self.warnings[-PROGRESS_LISTED:],
        )


@retried_task
def read_upload(token: str) -> str:
    """Parse every file of an upload for its preview (the slow part of showing it)."""
    folder = uploads.live_folder(token)
    if folder is None:
        return "gone"
    progress = _Progress(folder, "reading")
    previews, failures = uploads.build_previews(folder, progress, progress.failures)
    progress.write(progress.total)
    uploads.store_previews(folder, previews, failures)
    uploads.write_state(folder, stage="preview")
    return f"{len(previews)} documents to preview"


@retried_task
def import_upload(token: str) -> str:
    """Import a confirmed upload with the admin's corrections."""
    folder = uploads.live_folder(token)
    if folder is None:
        return "gone"
    state = uploads.read_state(folder)
    if state.get("stage") == "done":
        return "done before"
    choices = uploads.read_choices(folder)
    progress = _Progress(folder, "importing")
    summary = import_paths(
        [folder / "files"],
        inputs=uploads.stored_inputs(folder),
        manifest=uploads.stored_manifest(folder),
        overrides=choices["overrides"],
        skip=frozenset(choices["skip"]),
        user=uploads.uploader(folder),
        progress=progress,
        summary=progress.watch(ImportSummary()),
    )
    progress.write(progress.total)
    uploads.finish(folder, summary)
    return f"{summary.imported} imported, {summary.failed} failed"
