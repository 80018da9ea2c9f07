"""gunicorn settings for Agora, read by `gunicorn config.wsgi` from the project root (or with
`-c gunicorn.conf.py`). Every value can be set from the environment; see docs/deploy.md."""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


wsgi_app = "config.wsgi:application"

# Where to listen: a TCP address ("127.0.0.1:8001") or "unix:/run/agora/gunicorn.sock".
# Under systemd socket activation gunicorn takes the socket it is handed and ignores this.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001").split(",")

# Synchronous workers: the site's views are short database reads. 2 × cores + 1 is gunicorn's
# own rule of thumb; Heroku-style platforms set WEB_CONCURRENCY for us.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"

# Import Django once in the master and fork: faster start, shared memory pages. Database
# connections are opened lazily per worker after the fork, so none is shared.
preload_app = True

# Recycle each worker after a number of requests (with jitter so they do not all restart at
# once): bounds any slow memory growth.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# A request that takes longer than this is killed (its worker restarted); on a reload or a
# stop, workers get graceful_timeout seconds to finish what they are serving.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Request line and header limits (gunicorn's defaults, stated): bodies are limited by Django
# (AGORA_UPLOAD_MAX_BYTES) and by nginx's client_max_body_size.
limit_request_line = 8190
limit_request_fields = 100

# nginx on the same machine sets X-Forwarded-Proto; trust it only from there.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr: journald (systemd) keeps them. "-" means standard output.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # set it empty to turn it off
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client address as nginx saw it, then the usual combined format and the time taken (µs).
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'
)

proc_name = "agora"
