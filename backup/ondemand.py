"""Backups an admin asks for in the admin (Admin → Backups): the same JSON Lines as
`manage.py export_archive --include-private`, written by the task worker into the site's file
storage (STORAGES["default"]: `AGORA_DATA_DIR/files/backups/` by default, a bucket where the
site is configured for one), listed and downloaded by superusers only, since a full backup
holds password hashes and e-mail addresses."""

from __future__ import annotations

import io
import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from backup.export import export_archive

FOLDER = "backups"
_NAME = re.compile(r"agora-\d{8}-\d{6}-[a-f0-9]{8}\.jsonl")


@dataclass(frozen=True)
class StoredBackup:
    name: str
    size: int
    created: datetime | None


def new_name() -> str:
    """The name the next backup will have: when it was asked for, and a random part so that
    two asked for in the same second are two backups."""
    return f"agora-{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.jsonl"


def is_backup_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name))


def path_of(name: str) -> str:
    if not is_backup_name(name):
        raise ValueError(f"not a backup's name: {name!r}")
    return f"{FOLDER}/{name}"


def write_backup(name: str, *, include_private: bool = True) -> int:
    """Write the backup `name` unless it exists (so that a task run twice writes it once);
    return its number of lines (0 when it existed). It is written whole to a temporary file
    first: the storage never holds half a backup under a backup's name."""
    path = path_of(name)
    if default_storage.exists(path):
        return 0
    with tempfile.TemporaryFile("w+b") as spool:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="\n")
        lines = export_archive(text, include_private=include_private)
        text.flush()
        text.detach()  # the bytes stay in `spool`, which is still open
        spool.seek(0)
        saved = default_storage.save(path, File(spool, name=name))
    if saved != path:  # another worker finished the same backup first
        default_storage.delete(saved)
    return lines


def stored_backups() -> list[StoredBackup]:
    """The backups in storage, newest first."""
    try:
        _, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return []
    found = []
    for name in files:
        if not is_backup_name(name):
            continue
        path = f"{FOLDER}/{name}"
        try:
            created = default_storage.get_created_time(path)
        except (NotImplementedError, OSError):
            created = None
        found.append(StoredBackup(name, default_storage.size(path), created))
    return sorted(found, key=lambda backup: backup.name, reverse=True)
