"""Agora settings: one module, driven by environment variables.

Every variable is listed with its default in the README. With no variable set the site runs
for development on SQLite; with DJANGO_DEBUG=0 it refuses to start on the development key.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# Where the site keeps its state on disk (SQLite, uploads, the file cache, static files):
# one writable folder, so a locked-down service can be given just that.
DATA_DIR = Path(os.environ.get("AGORA_DATA_DIR") or BASE_DIR / "var")
DEVELOPMENT_SECRET_KEY = "django-insecure-agora-development-only-do-not-deploy"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is off but DJANGO_SECRET_KEY is unset: set a long random secret key."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("AGORA_SITE_NAME", "Agora")
# Where readers reach the site, for the absolute links of mails and feeds (a worker has no
# request to take a host from). In production it should be set; unset, it is https:// and the
# first of DJANGO_ALLOWED_HOSTS, and `check --deploy` warns (web/checks.py).
SITE_URL_IS_SET = bool(env_str("AGORA_SITE_URL"))
if SITE_URL_IS_SET:
    SITE_URL = env_str("AGORA_SITE_URL").rstrip("/")
elif DEBUG:
    SITE_URL = "http://127.0.0.1:8000"
elif ALLOWED_HOSTS and ALLOWED_HOSTS[0] != "*" and not ALLOWED_HOSTS[0].startswith("."):
    SITE_URL = f"https://{ALLOWED_HOSTS[0]}"
else:
    raise ImproperlyConfigured(
        "AGORA_SITE_URL is unset and DJANGO_ALLOWED_HOSTS names no host to take it from: "
        "set AGORA_SITE_URL to the site's address (https://agora.example)"
    )
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"AGORA_SITE_URL must be the site's address with its scheme (https://agora.example), "
        f"got {SITE_URL!r}"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "web",
    "accounts",
    "archive",
    "comments",
    "moderation",
    "search",
    "imports",
    "backup",
    "stats",
    "demo",
    "bench",
]

MIDDLEWARE = [
    "web.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "web.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # ETag on every GET and 304 to a matching If-None-Match (page-cache hits included).
    "django.middleware.http.ConditionalGetMiddleware",
    "web.httpcache.HttpCacheHeadersMiddleware",
    # Inside the security and CSP middleware (their headers are added to stored pages too),
    # outside sessions and auth (a stored page costs no session or user lookup).
    "web.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.ReaderTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.site",
                "comments.context_processors.notifications",
                "moderation.context_processors.moderation",
            ],
        },
    },
]
# Widgets written out in Python (web/form_rendering.py): the same markup, a fraction of the
# time a select with many options takes through the templates.
FORM_RENDERER = "web.form_rendering.WidgetRenderer"

# Databases: SQLite by default, PostgreSQL (or anything dj-database-url knows) via DATABASE_URL.
# SQLite gets the same settings whether it is the default file or named by DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
# Read through a memory map of (the first) this many megabytes of the file: a search checks
# each match's row, and reading those rows from the map rather than with a system call per
# page cut the database part of `bench search` by a fifth. It is address space, not memory:
# the pages are the operating system's cache, shared by every worker.
SQLITE_MMAP_BYTES = env_int("AGORA_SQLITE_MMAP_MB", 1024) * 1024 * 1024
if SQLITE_MMAP_BYTES < 0:
    raise ImproperlyConfigured("AGORA_SQLITE_MMAP_MB must be 0 (off) or more")
SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the busy
    # timeout instead of failing with "database is locked" on lock upgrade.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    # temp_store=MEMORY keeps each savepoint's journal (the pages a savepoint changed, as
    # they were before) in memory rather than in a temporary file: an import, which opens one
    # savepoint per document, spent more time writing that file than inserting its rows.
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}; PRAGMA temp_store=MEMORY;"
    ),
}
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    SQLITE_PATH = Path(env_str("AGORA_SQLITE_PATH", str(DATA_DIR / "agora.sqlite3")))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": SQLITE_PATH}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
else:
    # A connection kept between requests is checked before reuse: a database restart or a
    # failover then costs one reconnect, not an error page.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica (PostgreSQL streaming replication): anonymous GETs read from it (web/replica.py).
AGORA_DATABASE_REPLICA_URL = env_str("AGORA_DATABASE_REPLICA_URL")
AGORA_REPLICA_PIN_SECONDS = env_int("AGORA_REPLICA_PIN_SECONDS", 10)
if AGORA_DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(AGORA_DATABASE_REPLICA_URL, conn_max_age=60),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["web.replica.ReplicaRouter"]
    # Below sessions, so it sees a session cookie; the router reads what it chose.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        "web.replica.ReplicaMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # An outage of Redis degrades the site, never breaks it (web/cache.py): reads miss,
    # writes are dropped, pages are served uncached and rate limits count per process.
    CACHES = {
        "default": {
            "BACKEND": "web.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "agora",
            "OPTIONS": {
                "socket_connect_timeout": env_float("AGORA_CACHE_TIMEOUT_SECONDS", 0.5),
                "socket_timeout": env_float("AGORA_CACHE_TIMEOUT_SECONDS", 0.5),
            },
        }
    }
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Production on one machine without Redis: gunicorn's workers are separate processes, so
    # rate limits and the page cache need a cache they all see. Files in one folder are that
    # cache (counts may be approximate under a burst: file increments are not atomic).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("AGORA_CACHE_DIR", str(DATA_DIR / "cache")),
            "KEY_PREFIX": "agora",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Background tasks: Django's Tasks API through the django-tasks backport (django.tasks in
# Django 6.0). "database" (the default) keeps the queue in the site's database, run by
# `manage.py db_worker`; "rq" puts it on Redis (REDIS_URL), run by `manage.py rqworker`;
# "immediate" runs each task at once in the process that enqueues it (the tests' choice).
TASKS_BACKEND = env_str("AGORA_TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"AGORA_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, got {TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("AGORA_TASKS_BACKEND=rq needs REDIS_URL")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
# A failing task is tried again this many times in all (web/tasking.py), waiting
# AGORA_TASK_RETRY_SECONDS, then twice that, and so on between tries.
AGORA_TASK_MAX_ATTEMPTS = env_int("AGORA_TASK_MAX_ATTEMPTS", 5)
AGORA_TASK_RETRY_SECONDS = env_int("AGORA_TASK_RETRY_SECONDS", 30)
# /healthz reports "tasks": "failed" (degraded) once a queued task has waited this long.
AGORA_TASK_BACKLOG_SECONDS = env_int("AGORA_TASK_BACKLOG_SECONDS", 300)
if AGORA_TASK_MAX_ATTEMPTS < 1 or AGORA_TASK_RETRY_SECONDS < 0:
    raise ImproperlyConfigured("AGORA_TASK_MAX_ATTEMPTS must be 1 or more, the delay 0 or more")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# axes first: it refuses a locked-out (username, address) pair before the password is checked.
AUTHENTICATION_BACKENDS = [
    "web.login_throttle.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "archive:home"
LOGOUT_REDIRECT_URL = "archive:home"

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("AGORA_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("AGORA_STATIC_ROOT", str(DATA_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files the site keeps (the backups admins ask for): one folder, which several app servers
# share (a network file system), or a bucket (below; docs/deploy.md).
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files")},
    },
    "staticfiles": {
        # Hashed, compressed files in production; plain files when DEBUG so that no
        # collectstatic is needed to develop.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# Or a bucket (S3 or S3-compatible: MinIO, Ceph, R2...), through django-storages, which is
# installed only where it is used (docs/deploy.md, "Shared storage"). Its credentials come from
# the usual AWS_* variables or the machine's role, never from here.
if env_str("AGORA_S3_BUCKET"):
    import importlib.util

    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "AGORA_S3_BUCKET is set but django-storages is not installed: "
            "pip install 'django-storages[s3]' (docs/deploy.md, Shared storage)."
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AGORA_S3_BUCKET"),
            "endpoint_url": env_str("AGORA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AGORA_S3_REGION") or None,
            "location": env_str("AGORA_S3_PREFIX"),
            # Backups hold private data: never public, never overwritten, links that expire.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "agora@localhost")
# SMTP, used when DJANGO_EMAIL_BACKEND is django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# A mail server that does not answer must not hold a web worker for long.
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10)

# Security. Production values apply whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Load balancers probe over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp) on every response: nothing inline, nothing from other
# hosts. Templates therefore carry no <script> bodies, style="" or on*="" attributes; scripts
# live in static/js/ and are loaded with src. Django 5.2's admin needs no relaxation: it has
# no inline scripts or style attributes (tests/browser/test_csp_admin.py checks its pages in
# Chromium for CSP violations), so /admin/ runs under the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Clients behind these proxies (addresses or networks) are identified by X-Forwarded-For
# (web/middleware.py), so rate limits and login lockouts see the real address.
AGORA_TRUSTED_PROXIES = env_list("AGORA_TRUSTED_PROXIES", [])

# Login throttling (django-axes, web/login_throttle.py): by username AND address together.
AXES_ENABLED = env_bool("AGORA_LOGIN_THROTTLE", True)
AXES_FAILURE_LIMIT = env_int("AGORA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AGORA_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "web.login_throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "web.login_throttle.lockout_response"
AXES_VERBOSE = False

# Request size limits: bodies beyond these are refused while reading.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Archive behaviour.
AGORA_ARTICLES_PER_PAGE = env_int("AGORA_ARTICLES_PER_PAGE", 20)
# Sitemaps (archive/sitemaps.py): ids per sitemap page (the protocol allows 50,000 addresses)
# and how long the index, one grouped pass over the tables, is kept.
AGORA_SITEMAP_SIZE = min(max(env_int("AGORA_SITEMAP_SIZE", 10_000), 1), 50_000)
AGORA_SITEMAP_CACHE_SECONDS = env_int("AGORA_SITEMAP_CACHE_SECONDS", 3600)
# How long the statistics pages' figures are kept before they are computed again
# (stats/figures.py: a few grouped passes over the comments).
AGORA_STATS_CACHE_SECONDS = env_int("AGORA_STATS_CACHE_SECONDS", 3600)
# Published comments of the page written into an article's JSON-LD (comments/jsonld.py).
AGORA_JSONLD_COMMENTS = env_int("AGORA_JSONLD_COMMENTS", 100)
# Any request body above this is refused with 413 (web/middleware.py), before it is read
# when its length is declared, and as soon as the running total passes it otherwise.
AGORA_UPLOAD_MAX_BYTES = env_int("AGORA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Reports from this many distinct readers hide a comment until a moderator decides.
# What screens a new comment before it is stored (comments.screening.Screener).
AGORA_COMMENT_SCREENER = env_str("AGORA_COMMENT_SCREENER", "moderation.rules.RuleScreener")
AGORA_FLAG_HIDE_THRESHOLD = env_int("AGORA_FLAG_HIDE_THRESHOLD", 3)
# Imports (imports/pipeline.py): zip archives and files are refused beyond these.
AGORA_IMPORT_MAX_FILES = env_int("AGORA_IMPORT_MAX_FILES", 1000)
AGORA_IMPORT_MAX_TOTAL_BYTES = env_int("AGORA_IMPORT_MAX_TOTAL_BYTES", 200 * 1024 * 1024)
# One file (or zip member): by default what one admin upload may carry, so that a file too big
# to upload is too big for `import_articles` as well. Parsing and saving a file at this limit
# peaks under about 200 MB (tests/archive/test_hostile_uploads.py measures the refusals).
AGORA_IMPORT_MAX_FILE_BYTES = env_int("AGORA_IMPORT_MAX_FILE_BYTES", AGORA_UPLOAD_MAX_BYTES)
AGORA_IMPORT_MAX_RATIO = env_int("AGORA_IMPORT_MAX_RATIO", 100)
# Uploaded files wait for the admin's preview here, at most this many seconds.
AGORA_IMPORT_DIR = Path(env_str("AGORA_IMPORT_DIR", str(DATA_DIR / "imports")))
AGORA_IMPORT_EXPIRY_SECONDS = env_int("AGORA_IMPORT_EXPIRY_SECONDS", 3600)

# Discussions: top-level comments per page of a thread (the rest by ?page= or ?all=1), and
# notices per page.
AGORA_THREAD_PAGE_SIZE = env_int("AGORA_THREAD_PAGE_SIZE", 500)
AGORA_NOTIFICATIONS_PER_PAGE = env_int("AGORA_NOTIFICATIONS_PER_PAGE", 50)
# Whole pages for anonymous readers, in the shared cache (web/pagecache.py). On by default
# in production (Redis, or the file cache on one machine); off in development, where every
# change to a template should show at once.
# Cache-Control for anonymous pages: browsers keep them max-age seconds, shared caches
# (a proxy, a CDN) s-maxage seconds. 0 turns both off (every page is private, no-cache).
AGORA_HTTP_MAX_AGE = env_int("AGORA_HTTP_MAX_AGE", 0 if DEBUG else 30)
AGORA_HTTP_SHARED_MAX_AGE = env_int("AGORA_HTTP_SHARED_MAX_AGE", 30)
AGORA_PAGE_CACHE_SECONDS = env_int("AGORA_PAGE_CACHE_SECONDS", 0 if DEBUG else 30)

# Rate limits: name -> (requests, seconds), counted in the shared cache (web/ratelimit.py).
AGORA_RATE_LIMITS = {
    "post-comment": (env_int("AGORA_RATE_POST_COMMENT", 10), 60),
    "flag": (env_int("AGORA_RATE_FLAG", 20), 3600),
    "signup": (env_int("AGORA_RATE_SIGNUP", 5), 3600),
    "password-reset": (env_int("AGORA_RATE_PASSWORD_RESET", 5), 3600),
    "search": (env_int("AGORA_RATE_SEARCH", 60), 60),
    "import-upload": (20, 3600),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
