"""Production settings are checked the way they are deployed: a fresh process with the
environment of a real deployment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AGORA_")) and key != "DATABASE_URL"
    }
    # Production needs the site's public address (for links in mails); a test that is about
    # its absence passes AGORA_SITE_URL="".
    environment["AGORA_SITE_URL"] = "https://agora.example.org"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_debug_off_and_a_real_key():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="agora.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_flags_a_short_key():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="short",
        DJANGO_ALLOWED_HOSTS="agora.example.org",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_debug_off_without_a_secret_key_refuses_to_start_and_says_why():
    result = run_manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is unset" in result.stderr


def test_production_settings_turn_on_the_protections(tmp_path):
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.STORAGES['staticfiles']['BACKEND'])"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AGORA_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        AGORA_SITE_URL="https://agora.example.org",
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "True",
        "True",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_debug_off_serves_collected_static_files_through_whitenoise(tmp_path):
    """collectstatic writes the manifest; gunicorn-less check: a WSGI request for the hashed
    name of site.css is answered by whitenoise with a long cache lifetime."""
    static_root = tmp_path / "staticfiles"
    script = f"""
import django, os
from django.conf import settings
django.setup()
settings.STATIC_ROOT = {str(static_root)!r}
from django.core.management import call_command
call_command("collectstatic", "--noinput", verbosity=0)
from django.templatetags.static import static
from django.test import Client
url = static("css/site.css")
assert url != "/static/css/site.css", url  # a hashed name from the manifest
response = Client().get(url, secure=True, HTTP_HOST="agora.example.org")
print(url, response.status_code, response.get("Cache-Control"))
"""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AGORA_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="agora.example.org",
        AGORA_SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        AGORA_SITE_URL="https://agora.example.org",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    url, status, cache_control = result.stdout.split(maxsplit=2)
    assert url.startswith("/static/css/site.") and url.endswith(".css")
    assert status == "200"
    assert "max-age=315360000" in cache_control and "immutable" in cache_control


SHARED_STATE = """
import json
from web import pagecache, ratelimit
verdicts = [ratelimit.hit("signup", "ip192.0.2.1").allowed for _ in range(3)]
before = pagecache.generation()
if CHANGE:
    pagecache.invalidate()
print(json.dumps([verdicts, before, pagecache.generation()]))
"""


def test_without_redis_every_worker_process_sees_the_same_limits_and_page_generation(tmp_path):
    """gunicorn's workers are processes: in production without Redis they share a cache in
    files, so a limit counts requests to any worker, and a change seen by one worker retires
    the pages every worker stored."""
    env = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "agora.example.org",
        "AGORA_CACHE_DIR": str(tmp_path / "cache"),
        "AGORA_RATE_SIGNUP": "4",
        "AGORA_SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    runs = [
        run_manage("shell", "-c", SHARED_STATE.replace("CHANGE", change), **env)
        for change in ("True", "False")
    ]
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    (verdicts_1, before_1, after_1), (verdicts_2, before_2, after_2) = (
        json.loads(run.stdout.strip().splitlines()[-1]) for run in runs
    )
    assert verdicts_1 == [True, True, True]
    assert verdicts_2 == [True, False, False]  # the limit of 4 counts both processes
    assert before_1 != after_1  # the first process invalidated...
    assert before_2 == after_2 == after_1  # ...and the second sees the same token


def test_without_a_site_url_production_links_to_the_first_allowed_host_and_check_warns():
    key = secrets.token_urlsafe(50)
    common = dict(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=key, AGORA_SITE_URL="")
    probe = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SITE_URL)",
        DJANGO_ALLOWED_HOSTS="agora.example.org,www.agora.example.org",
        **common,
    )
    assert probe.stdout.splitlines()[-1] == "https://agora.example.org", probe.stderr
    check = run_manage("check", "--deploy", DJANGO_ALLOWED_HOSTS="agora.example.org", **common)
    assert "agora.W001" in check.stderr and "AGORA_SITE_URL is unset" in check.stderr
    wildcard = run_manage("check", DJANGO_ALLOWED_HOSTS=".example.org", **common)
    assert wildcard.returncode != 0
    assert "AGORA_SITE_URL is unset" in wildcard.stderr


def test_a_site_url_without_its_scheme_refuses_to_start():
    result = run_manage("check", AGORA_SITE_URL="agora.example.org")
    assert result.returncode != 0
    assert "AGORA_SITE_URL must be the site's address with its scheme" in result.stderr


def test_an_unknown_tasks_backend_refuses_to_start_and_says_why():
    result = run_manage("check", AGORA_TASKS_BACKEND="celery")
    assert result.returncode != 0
    assert "AGORA_TASKS_BACKEND must be one of database, rq, immediate" in result.stderr


def test_the_rq_tasks_backend_is_configured_on_redis():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; import json; "
        "print(json.dumps([settings.TASKS, settings.RQ_QUEUES, "
        "'django_rq' in settings.INSTALLED_APPS]))",
        AGORA_TASKS_BACKEND="rq",
        REDIS_URL="redis://127.0.0.1:6379/13",
    )
    assert result.returncode == 0, result.stderr
    tasks, queues, installed = json.loads(result.stdout.splitlines()[-1])
    assert tasks == {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    assert queues["default"]["URL"] == "redis://127.0.0.1:6379/13"
    assert installed


def test_a_bucket_without_django_storages_installed_is_refused_with_the_fix():
    result = run_manage("check", AGORA_S3_BUCKET="agora-files")
    assert result.returncode != 0
    assert "AGORA_S3_BUCKET is set but django-storages is not installed" in result.stderr
    assert "pip install 'django-storages[s3]'" in result.stderr
