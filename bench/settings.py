"""The site's settings with the bench's URLconf, which adds the `/__bench/hello` baseline.
`manage.py bench http` and the posting load test start gunicorn with these; no deployment
uses them."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
