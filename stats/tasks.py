"""The statistics computed again in the background (stats/figures.py keeps them)."""

from __future__ import annotations

from archive.models import Source
from web.tasking import retried_task

from .figures import compute, store


@retried_task
def refresh_statistics(source_id: int | None = None) -> str:
    """Compute the figures of the archive (or of one source) and keep them. Idempotent."""
    source = None
    if source_id is not None:
        source = Source.objects.filter(pk=source_id).first()
        if source is None:
            return "source gone"
    store(compute(source))
    return "refreshed"
