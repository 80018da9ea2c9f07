"""A whole-site backup is not an article import: the pipeline, `import_articles` and the admin's
upload all refuse it, name `manage.py restore_archive FILE`, and save nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from archive.models import Article, Source
from imports.pipeline import import_paths

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_dir")]

BACKUP = (
    b'{"type": "source", "id": 1, "name": "The Courier", "slug": "the-courier", '
    b'"homepage": "", "description": "", "created": "2025-01-01T00:00:00+00:00"}\n'
)


def assert_nothing_saved() -> None:
    assert not Source.objects.exists() and not Article.objects.exists()


def test_it_refuses_a_backup_in_the_pipeline(tmp_path):
    path = tmp_path / "site.jsonl"
    path.write_bytes(BACKUP)
    summary = import_paths([path])
    assert summary.failed == 1 and summary.imported == 0
    assert "manage.py restore_archive FILE" in summary.failures[0].reason
    assert_nothing_saved()


def test_it_refuses_a_backup_in_import_articles(tmp_path):
    path = tmp_path / "site.jsonl"
    path.write_bytes(BACKUP)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_articles", str(path), "--json", stdout=out, stderr=io.StringIO())
    assert exit_info.value.code == 1
    summary = json.loads(out.getvalue())
    assert summary["failed"] == 1
    assert "manage.py restore_archive FILE" in summary["failures"][0]["reason"]
    assert_nothing_saved()


def test_it_refuses_a_backup_in_the_admin_upload(client, staff):
    upload = SimpleUploadedFile("site.jsonl", BACKUP)
    response = client.post(reverse("imports:upload"), {"files": [upload]}, follow=True)
    assert response.status_code == 200
    assert "manage.py restore_archive FILE" in response.content.decode()
    assert_nothing_saved()
