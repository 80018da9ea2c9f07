"""The registry behind `manage.py bench`. An app's `benchmarks` module registers functions:

    @register("thread")
    def thread(*, quick: bool, log) -> dict: ...

returning figures and a "targets" dict: {"name": {"value": v, "limit": l, "ok": bool}}."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from django.apps import apps

_registry: dict[str, Callable[..., dict]] = {}


def register(name: str):
    def decorator(func):
        _registry[name] = func
        return func

    return decorator


def target(value: float, limit: float, *, at_most: bool = True) -> dict:
    ok = value <= limit if at_most else value >= limit
    return {"value": round(value, 4), "limit": limit, "ok": bool(ok)}


def load_all() -> dict[str, Callable[..., dict]]:
    for app in apps.get_app_configs():
        try:
            importlib.import_module(f"{app.name}.benchmarks")
        except ModuleNotFoundError as error:
            if error.name != f"{app.name}.benchmarks":
                raise
    importlib.import_module("config.http_bench")  # config is not an app: imported by name
    return dict(_registry)
