"""Background tasks of search: rebuilding the full-text index (what `manage.py
rebuild_search_index` does), for an admin or an import to ask for without waiting."""

from __future__ import annotations

import time

from web.tasking import retried_task

from .engine import backend


@retried_task
def rebuild_search_index() -> dict:
    """Index every article and comment again. Idempotent: a rebuild recomputes the index from
    the tables, so a second run gives the same index."""
    started = time.perf_counter()
    backend().rebuild()
    return {"seconds": round(time.perf_counter() - started, 2)}
