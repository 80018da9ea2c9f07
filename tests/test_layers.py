"""The house rule (README, "Architecture"): apps import only downward, and nothing shipped
imports the import, backup, demo or bench rooms. `lint-imports` checks it in CI; these tests
show that the check passes on the code and fails on a new circle, even one hidden in a
function."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")
# The packages the contracts name, as the configuration lists them.
_CONFIG = configparser.ConfigParser()
_CONFIG.read(ROOT / ".importlinter")
PACKAGES = _CONFIG["importlinter"]["root_packages"].split()

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache", "--config", str(root / ".importlinter")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def copy_of_the_code(tmp_path) -> Path:
    for name in PACKAGES:
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "tests")
        )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def add_line(path: Path, line: str) -> None:
    path.write_text(path.read_text() + "\n" + line + "\n")


def test_the_code_keeps_the_layers():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_model_importing_upward_breaks_the_check(copy_of_the_code):
    add_line(copy_of_the_code / "archive" / "models.py", "from comments import models as _up")
    result = lint(copy_of_the_code)
    assert result.returncode != 0
    assert "archive is not allowed to import comments" in result.stdout


def test_an_import_hidden_in_a_function_still_breaks_it(copy_of_the_code):
    add_line(
        copy_of_the_code / "comments" / "actions.py",
        "def _hidden():\n    from moderation import actions  # noqa\n",
    )
    result = lint(copy_of_the_code)
    assert result.returncode != 0
    assert "comments is not allowed to import moderation" in result.stdout


def test_shipped_code_may_not_import_the_bench(copy_of_the_code):
    add_line(copy_of_the_code / "archive" / "views.py", "import bench.registry  # noqa")
    result = lint(copy_of_the_code)
    assert result.returncode != 0
    assert "archive is not allowed to import bench" in result.stdout
