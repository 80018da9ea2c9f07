"""The registry behind `manage.py bench`. Each module of BENCHMARKS registers functions:

    @register("thread")
    def thread(*, quick: bool, log) -> dict: ...

returning figures and a "targets" dict: {"name": {"value": v, "limit": l, "ok": bool}}."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock

from django.db import DEFAULT_DB_ALIAS, connections

_registry: dict[str, Callable[..., dict]] = {}


def register(name: str):
    def decorator(func):
        _registry[name] = func
        return func

    return decorator


def target(value: float, limit: float, *, at_most: bool = True) -> dict:
    ok = value <= limit if at_most else value >= limit
    return {"value": round(value, 4), "limit": limit, "ok": bool(ok)}


class DatabaseClock:
    """Seconds spent waiting on the database, and the statements that took them."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.statements = 0

    def add(self, started: float) -> None:
        self.seconds += time.perf_counter() - started
        self.statements += 1


@contextmanager
def database_time(*extra: str) -> Iterator[DatabaseClock]:
    """Time every statement (an execute wrapper) and every COMMIT on the default connection,
    and each function named in `extra` ("module.function"; for writes that bypass Django's
    cursor, such as PostgreSQL's COPY). What remains of a measured step's wall time is ours:
    Python building the statements and reading their results."""
    clock = DatabaseClock()
    connection = connections[DEFAULT_DB_ALIAS]

    def on_statement(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            clock.add(started)

    def timed(func):
        def call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                clock.add(started)

        return call

    with ExitStack() as stack:
        stack.enter_context(connection.execute_wrapper(on_statement))
        stack.enter_context(mock.patch.object(connection, "commit", timed(connection.commit)))
        for name in extra:
            module_name, _, attribute = name.rpartition(".")
            module = importlib.import_module(module_name)
            stack.enter_context(
                mock.patch.object(module, attribute, timed(getattr(module, attribute)))
            )
        yield clock


# The modules whose functions register benchmarks, imported on demand by load_all().
BENCHMARKS = ("bench.imports", "bench.thread", "bench.search", "bench.http", "bench.uploads")


def load_all() -> dict[str, Callable[..., dict]]:
    for name in BENCHMARKS:
        importlib.import_module(name)
    return dict(_registry)
