"""web/tasking.py: a failing task is tried again, with a growing delay, up to a limit; and
web/mail.py: a mail under one key is sent once."""

from __future__ import annotations

import datetime

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from web.mail import send_once
from web.models import SentMail
from web.tasking import retried_task, retry_delay

TRIES: dict[str, int] = {}


@retried_task
def flaky(key: str, failures: int) -> int:
    """Fails its first `failures` tries, then answers how many tries it took."""
    TRIES[key] = TRIES.get(key, 0) + 1
    if TRIES[key] <= failures:
        raise ConnectionError(f"try {TRIES[key]} failed")
    return TRIES[key]


@pytest.fixture(autouse=True)
def _fresh_tries(settings):
    TRIES.clear()
    settings.AGORA_TASK_MAX_ATTEMPTS = 3
    settings.AGORA_TASK_RETRY_SECONDS = 30


def test_it_retries_a_failing_task_until_it_succeeds(db):
    first = flaky.enqueue("a", failures=2)
    assert first.status == TaskResultStatus.FAILED  # the first try's own outcome
    assert TRIES["a"] == 3


def test_it_gives_up_after_the_limit_and_logs_an_error(db, caplog):
    flaky.enqueue("b", failures=10)
    assert TRIES["b"] == 3
    assert "gave up after 3 attempts" in caplog.text


def test_the_delay_doubles_after_each_failed_try(settings):
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]


def test_on_the_database_backend_the_retry_waits_in_the_queue(run_worker):
    flaky.enqueue("c", failures=1)
    before = timezone.now()
    run_worker()
    failed, waiting = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == TaskResultStatus.FAILED
    assert "ConnectionError: try 1 failed" in failed.traceback  # what the admin shows
    assert waiting.status == TaskResultStatus.READY
    assert waiting.args_kwargs["kwargs"] == {"failures": 1, "attempt": 2}
    assert waiting.run_after >= before + datetime.timedelta(seconds=30)
    assert TRIES["c"] == 1
    # When its time comes, a worker runs it.
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())
    run_worker()
    waiting.refresh_from_db()
    assert waiting.status == TaskResultStatus.SUCCESSFUL
    assert waiting.return_value == 2


def test_failed_results_are_listed_in_the_admin(run_worker, admin_client):
    flaky.enqueue("d", failures=5)
    run_worker()
    response = admin_client.get(
        "/admin/django_tasks_database/dbtaskresult/", {"status__exact": "FAILED"}
    )
    assert response.status_code == 200
    assert b"flaky" in response.content


def test_send_once_sends_one_mail_per_key(db, mailoutbox):
    message = EmailMessage("Hello", "Body", "site@example.org", ["reader@example.org"])
    assert send_once("greeting:1", message) is True
    assert send_once("greeting:1", message) is False
    assert len(mailoutbox) == 1
    assert SentMail.objects.filter(key="greeting:1").exists()


def test_send_once_forgets_a_failed_send_so_a_retry_sends(db, mailoutbox, monkeypatch):
    message = EmailMessage("Hello", "Body", "site@example.org", ["reader@example.org"])

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with pytest.raises(ConnectionRefusedError):
        send_once("greeting:2", message)
    assert not SentMail.objects.filter(key="greeting:2").exists()
    monkeypatch.undo()
    assert send_once("greeting:2", message) is True
    assert len(mailoutbox) == 1


def test_a_task_left_running_by_a_killed_worker_is_kept_and_can_be_queued_again(run_worker, capsys):
    from django.core.management import call_command

    result = flaky.enqueue("e", failures=0)
    # A worker claimed it, then died before finishing (as under SIGKILL).
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("killed-worker")
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=2)
    )
    run_worker()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING  # no worker takes it again by itself
    assert "e" not in TRIES
    call_command("requeue_stale_tasks", "--minutes", "60")
    assert "1 stale task(s) queued again." in capsys.readouterr().out
    run_worker()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert TRIES["e"] == 1


def test_a_task_running_now_is_not_queued_again(run_worker):
    from django.core.management import call_command

    result = flaky.enqueue("f", failures=0)
    DBTaskResult.objects.get(pk=result.id).claim("busy-worker")
    call_command("requeue_stale_tasks", "--minutes", "60")
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING
