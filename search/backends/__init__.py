"""The full-text engines, one per database vendor; `backend()` gives the one in use."""

from __future__ import annotations

from django.db import connection

from .base import Backend


def backend() -> Backend:
    # Each engine's module is read only where its database is the one in use.
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    from .sqlite import SqliteBackend

    return SqliteBackend()
