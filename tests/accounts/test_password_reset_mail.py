"""The password-reset mail is queued by the request and sent by the worker, once, with a
link on the site's public address; the link's token is never stored in the queue."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.tasks import send_password_reset_mail

RESET = reverse("accounts:password_reset")
SITE = "https://agora.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def test_the_request_queues_the_mail_and_the_worker_sends_it(
    client, make_user, mailoutbox, database_tasks, run_worker
):
    make_user("rita")
    response = client.post(RESET, {"email": "rita@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "accounts.tasks.send_password_reset_mail"
    run_worker()
    [mail] = mailoutbox
    assert mail.to == ["rita@example.org"]
    assert f"\n{SITE}/accounts/password/reset/" in mail.body
    # The token is made by the worker: the queue's row, which admins can read, has none.
    token = mail.body.split("/accounts/password/reset/")[1].split("/")[1]
    assert token not in str(queued.args_kwargs)


def test_running_the_task_twice_sends_once(db, make_user, mailoutbox):
    user = make_user("rita")
    args = (user.pk, user.email, "accounts/email/password_reset_subject.txt",
            "accounts/email/password_reset.txt", "request-1")  # fmt: skip
    assert send_password_reset_mail.call(*args) == "sent"
    assert send_password_reset_mail.call(*args) == "sent before"
    assert len(mailoutbox) == 1


def test_an_account_that_changed_its_address_since_gets_nothing(db, make_user, mailoutbox):
    user = make_user("rita")
    result = send_password_reset_mail.call(
        user.pk,
        "old@example.org",
        "accounts/email/password_reset_subject.txt",
        "accounts/email/password_reset.txt",
        "request-2",
    )
    assert result == "account changed"
    assert mailoutbox == []
