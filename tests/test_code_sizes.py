"""No shipped module over 600 lines and no function over 100 (migrations and tests aside):
a module or function past them is doing more than one job."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["web", "accounts", "archive", "comments", "moderation", "search", "imports"]
APPS += ["backup", "demo", "bench", "config"]
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 100


def shipped_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_walk_finds_the_code():
    names = {p.relative_to(ROOT).as_posix() for p in shipped_modules()}
    assert "comments/rendering.py" in names and "config/settings.py" in names


def test_no_module_is_over_600_lines():
    long = {
        p.relative_to(ROOT).as_posix(): n
        for p in shipped_modules()
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_100_lines():
    long = {}
    for path in shipped_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT).as_posix()}:{node.name}"] = lines
    assert long == {}
