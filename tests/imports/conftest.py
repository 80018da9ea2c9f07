"""The import tests share the archive's fixtures (an upload folder, a signed-in superuser)."""

from tests.archive.conftest import import_dir, staff

__all__ = ["import_dir", "staff"]
