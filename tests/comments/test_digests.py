"""Digests: one mail a day or a week with a reader's notices, instead of a mail for each."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.mail import unsubscribe_token
from accounts.models import MailSchedule, Profile
from comments.actions import post_comment
from comments.digests import period_end, send_digest
from comments.mail import DIGEST_MAX
from comments.models import CommentStatus, Notification
from comments.tasks import send_digests

SITE = "https://agora.example.org"
MONDAY = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)  # a Monday, midnight


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def daily(users):
    return Profile.objects.create(
        user=users["author"], email_notifications=True, mail_schedule=MailSchedule.DAILY
    )


def notice(users, comment, when: datetime.datetime, body="A reply.") -> Notification:
    reply = post_comment(users["other"], comment.article, body, parent=comment)
    notices = Notification.objects.filter(user=users["author"], comment=reply)
    notices.update(created=when)  # the reply's notice, as of `when`
    return notices.get()


def test_the_periods_end_at_midnight_utc_and_on_mondays():
    thursday = datetime.datetime(2026, 12, 10, 15, 30, tzinfo=datetime.UTC)
    assert period_end(MailSchedule.DAILY, thursday) == datetime.datetime(
        2026, 12, 10, tzinfo=datetime.UTC
    )
    assert period_end(MailSchedule.WEEKLY, thursday) == MONDAY


def test_a_digest_lists_the_periods_notices_with_links_and_unsubscribe(
    users, comment, daily, mailoutbox
):
    notice(users, comment, MONDAY - datetime.timedelta(hours=3), "First reply.")
    notice(users, comment, MONDAY - datetime.timedelta(hours=1), "Second reply.")
    notice(users, comment, MONDAY - datetime.timedelta(days=2), "Too old.")
    notice(users, comment, MONDAY + datetime.timedelta(hours=1), "Too new: next digest.")
    assert send_digest(users["author"].pk, MailSchedule.DAILY, MONDAY) == "sent"
    [mail] = mailoutbox
    assert mail.to == ["author@example.org"]
    assert mail.subject == "Your day on Agora: 2 new comments"
    assert mail.body.index("First reply.") < mail.body.index("Second reply.")
    assert "Too old." not in mail.body and "Too new" not in mail.body
    assert SITE + reverse("comments:permalink", args=[Notification.objects.first().comment_id])
    unsubscribe = SITE + reverse("accounts:unsubscribe", args=[unsubscribe_token(users["author"])])
    assert mail.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in mail.body and SITE + reverse("accounts:settings") in mail.body


def test_a_digest_is_sent_once_and_the_next_starts_where_it_ended(
    users, comment, daily, mailoutbox
):
    notice(users, comment, MONDAY - datetime.timedelta(hours=1))
    assert send_digest(users["author"].pk, MailSchedule.DAILY, MONDAY) == "sent"
    assert send_digest(users["author"].pk, MailSchedule.DAILY, MONDAY) == "sent before"
    assert len(mailoutbox) == 1
    notice(users, comment, MONDAY + datetime.timedelta(hours=5), "Tuesday's.")
    tuesday = MONDAY + datetime.timedelta(days=1)
    assert send_digest(users["author"].pk, MailSchedule.DAILY, tuesday) == "sent"
    assert "Tuesday's." in mailoutbox[1].body and len(mailoutbox) == 2


def test_nothing_new_sends_nothing_and_removed_comments_are_left_out(
    users, comment, daily, mailoutbox
):
    gone = notice(users, comment, MONDAY - datetime.timedelta(hours=1))
    gone.comment.status = CommentStatus.REMOVED
    gone.comment.save()
    assert send_digest(users["author"].pk, MailSchedule.DAILY, MONDAY) == "nothing new"
    assert mailoutbox == []


def test_a_long_digest_lists_the_first_and_counts_the_rest(users, comment, daily, mailoutbox):
    for n in range(DIGEST_MAX + 3):
        notice(users, comment, MONDAY - datetime.timedelta(minutes=n + 1), f"Reply {n}.")
    send_digest(users["author"].pk, MailSchedule.DAILY, MONDAY)
    [mail] = mailoutbox
    assert f"{DIGEST_MAX + 3} new comments" in mail.subject
    assert "…and 3 more: " + SITE + reverse("comments:notifications") in mail.body


def test_a_digest_reader_gets_no_mail_per_reply(
    users, comment, daily, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(users["other"], comment.article, "A reply", parent=comment)
    assert mailoutbox == []
    assert Notification.objects.filter(user=users["author"]).count() == 1  # the notice stays


def test_the_periodic_task_queues_a_digest_for_each_reader_who_chose_it(
    users, comment, daily, mailoutbox, settings
):
    Profile.objects.create(
        user=users["reader"], email_notifications=True, mail_schedule=MailSchedule.WEEKLY
    )
    Profile.objects.create(user=users["other"], email_notifications=False)
    until = period_end(MailSchedule.DAILY, datetime.datetime.now(datetime.UTC))
    notice(users, comment, until - datetime.timedelta(hours=1))
    result = send_digests.enqueue(MailSchedule.DAILY)  # tasks run at once in tests
    assert result.return_value == "1 queued"
    assert [mail.to for mail in mailoutbox] == [["author@example.org"]]


def test_unsubscribing_stops_the_digest_too(client, users, comment, daily, mailoutbox):
    notice(users, comment, MONDAY - datetime.timedelta(hours=1))
    client.post(reverse("accounts:unsubscribe", args=[unsubscribe_token(users["author"])]))
    assert send_digest(users["author"].pk, MailSchedule.DAILY, MONDAY) == "not wanted"
    assert mailoutbox == []


def test_the_command_queues_the_digests(users, daily, capsys):
    call_command("send_digests", "weekly")
    assert "weekly digests are queued" in capsys.readouterr().out


def test_a_reader_chooses_a_digest_in_settings(client, users):
    Profile.objects.create(user=users["author"], email_notifications=True)
    client.force_login(users["author"])
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "One digest a day" in page
    data = {"display_name": "", "bio": "", "email": "author@example.org"}
    data |= {"email_notifications": "on", "mail_schedule": "weekly", "time_zone": ""}
    assert client.post(reverse("accounts:settings"), data).status_code == 302
    assert Profile.objects.get(user=users["author"]).mail_schedule == MailSchedule.WEEKLY
    data["mail_schedule"] = "hourly"
    response = client.post(reverse("accounts:settings"), data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
