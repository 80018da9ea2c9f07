"""Admin → Backups: a superuser asks for a backup, the task worker writes it into the site's
file storage, the page lists it and the superuser downloads it; nobody else may."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from backup import ondemand
from backup.reading import parse_jsonl, read_lines
from backup.tasks import make_backup
from tests.backup.test_export import seed_archive

pytestmark = pytest.mark.django_db

BACKUPS = reverse("backup:list")


@pytest.fixture
def storage(settings, tmp_path):
    """The site's file storage in a folder of this test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    return tmp_path / "files"


@pytest.fixture
def superuser(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", None)
    client.force_login(user)
    return user


def test_a_superuser_backs_up_through_the_worker_and_downloads_it(
    client, superuser, storage, database_tasks, run_worker
):
    seed_archive()
    response = client.post(BACKUPS)
    assert response.status_code == 302 and response["Location"] == BACKUPS
    message = client.get(BACKUPS).content.decode()
    name = re.search(r"Backup (agora-[\w-]+\.jsonl) is being written", message)[1]
    assert "None yet." in message, "nothing is written inside the request"

    run_worker()
    page = client.get(BACKUPS).content.decode()
    download = reverse("backup:download", args=[name])
    assert f'href="{download}"' in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    body = b"".join(response.streaming_content)
    assert (storage / "backups" / name).read_bytes() == body
    records = list(parse_jsonl(read_lines(io.BytesIO(body))))
    full = io.StringIO()
    call_command("export_archive", "-", "--include-private", stdout=full)
    assert len(records) == len(full.getvalue().splitlines())
    users = [r for r in records if r["type"] == "user"]
    assert any(r.get("email") == "boss@example.org" for r in users), "a full backup"


def test_a_backup_task_run_twice_writes_one_backup(storage):
    seed_archive()
    name = ondemand.new_name()
    assert make_backup.call(name).endswith("lines")
    first = (storage / "backups" / name).read_bytes()
    assert make_backup.call(name) == f"{name}: written before"
    assert [b.name for b in ondemand.stored_backups()] == [name]
    assert (storage / "backups" / name).read_bytes() == first


def test_only_superusers_may_back_up_or_download(client, storage):
    name = ondemand.new_name()
    ondemand.write_backup(name)
    download = reverse("backup:download", args=[name])
    response = client.get(BACKUPS)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    staff = get_user_model().objects.create_user("clerk", password=None, is_staff=True)
    staff.user_permissions.set(Permission.objects.all())  # every permission, but no superuser
    client.force_login(staff)
    assert client.get(BACKUPS).status_code == 403
    assert client.post(BACKUPS).status_code == 403
    assert client.get(download).status_code == 403
    assert "Back up the site" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize(
    "name",
    ["passwd", "..", "agora-20261207-101010-zzzz.jsonl", "agora-20261207-101010-0123abcd.jsonl"],
)
def test_a_download_of_anything_but_a_stored_backup_is_404(client, superuser, storage, name):
    assert client.get(reverse("backup:download", args=[name])).status_code == 404


def test_the_backups_page_is_linked_from_the_admin_index(client, superuser, storage):
    assert BACKUPS in client.get(reverse("admin:index")).content.decode()
    assert client.put(BACKUPS).status_code == 405
