"""The optional RQ backend (AGORA_TASKS_BACKEND=rq): a task queued on Redis is run by an RQ
worker with django-tasks-rq's job class, and a failing one is retried through RQ's scheduler.

Runs against REDIS_URL, or Redis on 127.0.0.1:6379 (database 14); skips when no Redis
answers, unless REQUIRE_REDIS=1."""

from __future__ import annotations

import os

import pytest

from web.tasking import retried_task

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
RUNS: list[str] = []


@retried_task
def remember(word: str, failures: int = 0) -> str:
    RUNS.append(word)
    if RUNS.count(word) <= failures:
        raise ConnectionError("not yet")
    return word.upper()


@pytest.fixture
def rq_queue(settings, db):
    import django_rq
    import redis
    from rq.registry import ScheduledJobRegistry

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as error:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but Redis at {REDIS_URL} does not answer: {error}")
        pytest.skip(f"no Redis at {REDIS_URL} ({error})")
    name = "default"  # retries go to the queue the task was declared with
    settings.RQ_QUEUES = {name: {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    RUNS.clear()
    queue = django_rq.get_queue(name)
    queue.empty()
    queue.connection.delete(ScheduledJobRegistry(queue=queue).key)
    yield name
    queue.empty()
    queue.connection.delete(ScheduledJobRegistry(queue=queue).key)


def work(queue_name: str) -> None:
    """An RQ worker in this process (SimpleWorker: no fork, so it sees the test database),
    until the queue is empty."""
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue(queue_name, job_class=Job)
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(
        burst=True, with_scheduler=True
    )


def test_a_task_queued_on_redis_is_run_by_the_rq_worker(rq_queue):
    result = remember.enqueue("ferry")
    assert RUNS == []
    work(rq_queue)
    assert RUNS == ["ferry"]
    assert remember.get_result(result.id).return_value == "FERRY"


def test_a_failing_task_is_scheduled_again_on_redis(rq_queue, settings):
    import django_rq
    from rq.registry import ScheduledJobRegistry

    settings.AGORA_TASK_RETRY_SECONDS = 60
    remember.enqueue("walrus", failures=1)
    work(rq_queue)
    assert RUNS == ["walrus"]
    scheduled = ScheduledJobRegistry(queue=django_rq.get_queue(rq_queue))
    assert len(scheduled.get_job_ids()) == 1  # the second try, waiting its minute
