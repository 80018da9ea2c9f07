"""Background tasks retried on failure.

django-tasks runs a task once: an exception marks its result FAILED and that is all. A task
made with `retried_task` is enqueued again when it raises, with its attempt number, after a
delay that doubles each time (where the backend can defer: the database and RQ backends;
the immediate one tries again at once), up to AGORA_TASK_MAX_ATTEMPTS tries in all. Each
failed try still raises, so its result is FAILED with the traceback (the database backend
shows them in the admin, under Tasks Database Backend); the last one is logged as an error.
Tasks must therefore be idempotent: a try may fail after part of its work was done. A retry
goes to the queue and priority the task was declared with, not those of a `.using()` call."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed try number `attempt` (1, 2, …)."""
    return timedelta(seconds=settings.AGORA_TASK_RETRY_SECONDS * 2 ** (attempt - 1))


def retried_task(func: Callable[..., Any] | None = None, **task_options: Any):
    """Like django-tasks' @task, for a function that takes JSON-serialisable arguments; the
    task it makes takes one more keyword argument, `attempt` (1 when first enqueued)."""

    def decorate(function: Callable[..., Any]) -> Task:
        @functools.wraps(function)
        def run(*args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except Exception:
                limit = settings.AGORA_TASK_MAX_ATTEMPTS
                if attempt >= limit:
                    logger.exception(
                        "task %s gave up after %d attempts", the_task.module_path, attempt
                    )
                    raise
                again = the_task
                if again.get_backend().supports_defer:
                    again = the_task.using(run_after=timezone.now() + retry_delay(attempt))
                logger.warning(
                    "task %s failed (attempt %d of %d), trying again",
                    the_task.module_path,
                    attempt,
                    limit,
                    exc_info=True,
                )
                again.enqueue(*args, attempt=attempt + 1, **kwargs)
                raise

        the_task = task(**task_options)(run)
        return the_task

    return decorate(func) if func is not None else decorate
