"""`manage.py restore_archive FILE [--dry-run] [--json]`: refusals, the dry run, the summary."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from archive.models import Article, Source
from tests.backup.test_export import export, seed_archive, wipe

pytestmark = pytest.mark.django_db


def restore(*args: str) -> str:
    out = io.StringIO()
    call_command("restore_archive", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def backup_file(tmp_path):
    seed_archive()
    path = tmp_path / "site.jsonl"
    path.write_text(export(), encoding="utf-8")
    return path


def test_it_refuses_a_non_empty_archive(backup_file):
    with pytest.raises(CommandError, match="empty archive.*nothing was restored"):
        restore(str(backup_file))


def test_it_keeps_nothing_on_a_dry_run(backup_file):
    wipe()
    summary = json.loads(restore(str(backup_file), "--dry-run", "--json"))
    assert summary["dry_run"] and summary["counts"]["article"] == 4
    assert not Source.objects.exists() and not Article.objects.exists()


def test_it_restores_and_prints_the_counts(backup_file):
    wipe()
    assert restore(str(backup_file)).startswith("Restored: ")
    assert Article.objects.count() == 4


def test_it_names_an_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        restore(str(tmp_path / "missing.jsonl"))
