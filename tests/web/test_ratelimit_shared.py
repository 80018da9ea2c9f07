"""Rate limits are counted in the shared cache: with Redis, two worker processes see one count.

Runs against REDIS_URL, or Redis on 127.0.0.1:6379 (database 14); skips when no Redis answers,
unless REQUIRE_REDIS=1."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"

WORKER = """
import sys
import django
django.setup()
from django.conf import settings
settings.AGORA_RATE_LIMITS["shared-test"] = (5, 86400)  # one window for the test
from web.ratelimit import hit
print(" ".join("ok" if hit("shared-test", sys.argv[1]).allowed else "refused" for _ in range(3)))
"""


@pytest.fixture(scope="module")
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as error:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but Redis at {REDIS_URL} does not answer: {error}")
        pytest.skip(f"no Redis at {REDIS_URL} ({error})")
    return REDIS_URL


def run_worker(redis_url: str, who: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", REDIS_URL=redis_url)
    result = subprocess.run(
        [sys.executable, "-c", WORKER, who],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_two_processes_share_one_count_in_redis(redis_url):
    who = f"ip-test-{secrets.token_hex(6)}"  # fresh per run: nothing left from earlier runs
    assert run_worker(redis_url, who) == "ok ok ok"
    assert run_worker(redis_url, who) == "ok ok refused", "the second process saw the first's 3"
    assert run_worker(redis_url, f"{who}-other") == "ok ok ok"


def test_two_cache_clients_in_one_process_share_counts(redis_url, settings, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    from web import ratelimit

    settings.AGORA_RATE_LIMITS = {**settings.AGORA_RATE_LIMITS, "shared-test": (3, 86400)}
    first = RedisCache(redis_url, {"KEY_PREFIX": "agora-test"})
    second = RedisCache(redis_url, {"KEY_PREFIX": "agora-test"})
    who = f"ip-test-{secrets.token_hex(6)}"
    verdicts = []
    for client in (first, second, first, second):
        monkeypatch.setattr(ratelimit, "cache", client)
        verdicts.append(ratelimit.hit("shared-test", who).allowed)
    assert verdicts == [True, True, True, False]
