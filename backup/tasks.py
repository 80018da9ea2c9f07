"""The backup an admin asks for, written by the task worker (backup/ondemand.py)."""

from __future__ import annotations

from backup.ondemand import write_backup
from web.tasking import retried_task


@retried_task
def make_backup(name: str, include_private: bool = True) -> str:
    lines = write_backup(name, include_private=include_private)
    return f"{name}: {lines} lines" if lines else f"{name}: written before"
