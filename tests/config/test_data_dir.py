"""One folder holds the site's state on disk, so a locked-down service can be given just it
(systemd's ProtectSystem=strict with one writable folder, several servers sharing it)."""

from tests.config.test_database import settings_under

PROBE = (
    "print(settings.SQLITE_PATH, settings.AGORA_IMPORT_DIR, settings.STATIC_ROOT,"
    " settings.CACHES['default'].get('LOCATION', '-'),"
    " settings.STORAGES['default']['OPTIONS']['location'])"
)


def test_agora_data_dir_moves_every_file_the_site_writes(tmp_path):
    env = {"AGORA_DATA_DIR": str(tmp_path), "DATABASE_URL": "", "REDIS_URL": ""}
    env |= {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 50, "DJANGO_ALLOWED_HOSTS": "a"}
    paths = settings_under(env, PROBE).split()
    assert paths == [
        f"{tmp_path}/agora.sqlite3",
        f"{tmp_path}/imports",
        f"{tmp_path}/staticfiles",
        f"{tmp_path}/cache",
        f"{tmp_path}/files",
    ]


def test_the_import_folder_can_be_named_on_its_own(tmp_path):
    env = {"AGORA_IMPORT_DIR": str(tmp_path / "shared-imports"), "DATABASE_URL": ""}
    assert settings_under(env, "print(settings.AGORA_IMPORT_DIR)") == str(
        tmp_path / "shared-imports"
    )
