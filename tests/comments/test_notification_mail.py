"""Reply and follow mails: queued when the comment commits, sent by the worker once, with
absolute links and a one-click unsubscribe."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.mail import unsubscribe_token
from accounts.models import Profile
from comments.actions import follow, post_comment
from comments.models import Notification, NotificationKind
from comments.tasks import send_notification_mail

SITE = "https://agora.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    settings.AGORA_TASK_MAX_ATTEMPTS = 3


@pytest.fixture
def wants_mail(users):
    return Profile.objects.create(user=users["author"], email_notifications=True)


def reply_notice(users, comment, django_capture_on_commit_callbacks, body="A reply"):
    with django_capture_on_commit_callbacks(execute=True):
        reply = post_comment(users["other"], comment.article, body, parent=comment)
    return Notification.objects.get(comment=reply, user=users["author"])


def test_it_mails_a_reply_with_absolute_links_and_unsubscribe_headers(
    users, comment, wants_mail, mailoutbox, django_capture_on_commit_callbacks
):
    notice = reply_notice(users, comment, django_capture_on_commit_callbacks)
    [mail] = mailoutbox
    assert mail.to == ["author@example.org"]
    assert mail.subject == "other replied to your comment"
    permalink = SITE + reverse("comments:permalink", args=[notice.comment_id])
    unsubscribe = SITE + reverse("accounts:unsubscribe", args=[unsubscribe_token(users["author"])])
    assert f"Read it: {permalink}\n" in mail.body
    assert SITE + reverse("accounts:settings") in mail.body
    assert unsubscribe in mail.body
    assert mail.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message = mail.message()
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"


def test_it_mails_followers_about_a_new_comment(
    users, article, mailoutbox, django_capture_on_commit_callbacks
):
    Profile.objects.create(user=users["reader"], email_notifications=True)
    follow(users["reader"], article)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(users["other"], article, "Something new")
    [mail] = mailoutbox
    assert mail.to == ["reader@example.org"]
    assert mail.subject == "New comment on “A discussed article”"
    assert "a discussion you follow" in mail.body and "Something new" in mail.body
    assert "List-Unsubscribe" in mail.extra_headers


def test_it_mails_nobody_who_did_not_ask(
    users, article, comment, mailoutbox, django_capture_on_commit_callbacks
):
    follow(users["reader"], article)  # no profile: the default is no mail
    Profile.objects.create(user=users["author"], email_notifications=False)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(users["other"], article, "A reply", parent=comment)
    assert mailoutbox == []


def test_the_mail_is_queued_on_commit_and_not_sent_in_the_request(
    users, comment, wants_mail, client, mailoutbox, database_tasks,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    client.force_login(users["other"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("comments:post", args=[comment.article.slug]),
            {"body": "A reply", "parent": comment.pk},
        )
    assert response.status_code == 302
    assert DBTaskResult.objects.count() == 0  # nothing queued before the commit
    for callback in callbacks:
        callback()
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "comments.tasks.send_notification_mail"
    assert queued.status == TaskResultStatus.READY
    assert mailoutbox == []  # the request sent nothing


def test_a_rolled_back_comment_queues_nothing(
    users, comment, wants_mail, database_tasks, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            post_comment(users["other"], comment.article, "A reply", parent=comment)
            raise RuntimeError("the request failed later")
    assert DBTaskResult.objects.count() == 0


def test_the_worker_sends_the_queued_mail(
    users, comment, wants_mail, mailoutbox, run_worker, django_capture_on_commit_callbacks
):
    reply_notice(users, comment, django_capture_on_commit_callbacks)
    assert mailoutbox == []
    run_worker()
    assert len(mailoutbox) == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_running_the_task_twice_sends_once(
    users, comment, wants_mail, mailoutbox, django_capture_on_commit_callbacks
):
    notice = reply_notice(users, comment, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    result = send_notification_mail.enqueue(notice.pk)
    assert result.return_value == "sent before"
    assert len(mailoutbox) == 1


def test_a_failing_send_is_retried(
    users, comment, wants_mail, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    real_send = EmailMessage.send
    calls = []

    def fail_once(message, *args, **kwargs):
        calls.append(message.subject)
        if len(calls) == 1:
            raise ConnectionRefusedError("mail server down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", fail_once)
    reply_notice(users, comment, django_capture_on_commit_callbacks)
    assert len(calls) == 2
    assert len(mailoutbox) == 1


def test_a_notice_whose_reader_turned_mail_off_since_is_not_mailed(
    users, comment, wants_mail, mailoutbox, database_tasks, django_capture_on_commit_callbacks
):
    notice = reply_notice(users, comment, django_capture_on_commit_callbacks)
    Profile.objects.filter(pk=wants_mail.pk).update(email_notifications=False)
    assert notice.kind == NotificationKind.REPLY
    assert send_notification_mail.call(notice.pk) == "not wanted"
    assert mailoutbox == []
