"""Fixtures shared by the archive's import tests."""

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def import_dir(settings, tmp_path):
    """Where the admin's uploads wait for their preview: a folder of this test's own."""
    settings.AGORA_IMPORT_DIR = tmp_path / "imports"
    return settings.AGORA_IMPORT_DIR


@pytest.fixture
def staff(client):
    """The test client, signed in as a superuser."""
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", None)
    client.force_login(user)
    return user
