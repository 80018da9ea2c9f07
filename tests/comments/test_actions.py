"""The discussion's actions: posting, editing, deleting, following, notices."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Profile
from archive.models import CommentPolicy
from comments import actions
from comments.actions import CommentRejected, NotAllowed, post_comment
from comments.models import (
    Comment,
    CommentRevision,
    CommentStatus,
    Notification,
    NotificationKind,
    ThreadFollow,
)
from moderation import rules
from moderation.rules import Screening

from .conftest import make_comment


def test_it_posts_a_published_comment_and_counts_it(users, article):
    comment = post_comment(users["reader"], article, "Hello *there*")
    assert comment.status == CommentStatus.PUBLISHED and comment.depth == 0
    assert comment.body_html == "<p>Hello <em>there</em></p>\n"
    article.refresh_from_db()
    assert article.comment_count == 1 and article.last_comment_at == comment.created


def test_a_reply_is_one_level_deeper(users, comment, article):
    reply = post_comment(users["other"], article, "Reply", parent=comment)
    assert reply.parent == comment and reply.depth == 1


@pytest.mark.parametrize("body", ["", "   \n\t ", "\x00\x00"])
def test_empty_bodies_are_rejected(users, article, body):
    with pytest.raises(CommentRejected, match="empty"):
        post_comment(users["reader"], article, body)
    assert not Comment.objects.exists()


def test_bodies_over_ten_thousand_characters_are_rejected(users, article):
    post_comment(users["reader"], article, "x" * 10_000)
    with pytest.raises(CommentRejected, match="at most 10,000"):
        post_comment(users["reader"], article, "x" * 10_001)
    assert Comment.objects.count() == 1


def test_nul_bytes_are_dropped(users, article):
    assert post_comment(users["reader"], article, "a\x00b").body_source == "ab"


def test_replying_to_a_comment_of_another_article_is_rejected(users, comment, make_article):
    elsewhere = make_article()
    with pytest.raises(CommentRejected, match="another article"):
        post_comment(users["other"], elsewhere, "Hi", parent=comment)
    assert not Comment.objects.filter(article=elsewhere).exists()


@pytest.mark.parametrize(
    "status", [CommentStatus.REMOVED, CommentStatus.DELETED, CommentStatus.SPAM]
)
def test_replying_to_a_withdrawn_comment_is_rejected(users, comment, article, status):
    Comment.objects.filter(pk=comment.pk).update(status=status)
    comment.refresh_from_db()
    with pytest.raises(CommentRejected, match="no longer be replied to"):
        post_comment(users["other"], article, "Hi", parent=comment)
    assert Comment.objects.count() == 1


def test_replying_under_locked_replies_is_rejected(users, comment, article):
    Comment.objects.filter(pk=comment.pk).update(replies_locked=True)
    comment.refresh_from_db()
    with pytest.raises(CommentRejected, match="locked"):
        post_comment(users["other"], article, "Hi", parent=comment)


@pytest.mark.parametrize(
    "change",
    [
        {"comment_policy": CommentPolicy.CLOSED},
        {"discussion_locked": True},
        {"discussion_closes_at": timezone.now() - timezone.timedelta(days=1)},
    ],
    ids=["closed", "locked", "past-closing-time"],
)
def test_posting_on_a_closed_discussion_is_rejected(users, article, change):
    for field, value in change.items():
        setattr(article, field, value)
    article.save()
    with pytest.raises(CommentRejected, match="closed"):
        post_comment(users["reader"], article, "Hi")
    assert not Comment.objects.exists()


def test_anonymous_users_cannot_post(article):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(CommentRejected, match="Log in"):
        post_comment(AnonymousUser(), article, "Hi")


def test_the_same_idempotency_key_twice_gives_one_comment(users, article):
    first = post_comment(users["reader"], article, "Once", idempotency_key="k" * 32)
    second = post_comment(users["reader"], article, "Once", idempotency_key="k" * 32)
    assert first.pk == second.pk and Comment.objects.count() == 1
    article.refresh_from_db()
    assert article.comment_count == 1


def test_another_user_may_use_the_same_key(users, article):
    post_comment(users["reader"], article, "Once", idempotency_key="same")
    post_comment(users["other"], article, "Once", idempotency_key="same")
    assert Comment.objects.count() == 2


def test_a_rejection_by_moderation_saves_nothing(users, article, monkeypatch):
    monkeypatch.setattr(
        rules, "screen_comment", lambda *a: Screening("reject", ["spam"], "Looks like spam.")
    )
    with pytest.raises(CommentRejected, match="Looks like spam"):
        post_comment(users["reader"], article, "Buy now")
    assert not Comment.objects.exists()


def test_a_held_comment_is_pending_uncounted_and_notifies_nobody(users, comment, article):
    article.comment_policy = CommentPolicy.PREMODERATED
    article.save()
    reply = post_comment(users["other"], article, "Held", parent=comment)
    assert reply.status == CommentStatus.PENDING
    article.refresh_from_db()
    assert article.comment_count == 1
    assert not Notification.objects.filter(comment=reply).exists()
    # Moderation approves it, then tells the people concerned.
    Comment.objects.filter(pk=reply.pk).update(status=CommentStatus.PUBLISHED)
    reply.refresh_from_db()
    actions.notify_about_published_comment(reply)
    assert Notification.objects.get(comment=reply).user == users["author"]


def test_posting_follows_the_discussion(users, article):
    post_comment(users["reader"], article, "Hi")
    post_comment(users["reader"], article, "Again")
    assert ThreadFollow.objects.filter(user=users["reader"], article=article).count() == 1


def test_a_reply_notifies_the_parent_author_and_followers_once_each(users, comment, article):
    actions.follow(users["moderator"], article)
    actions.follow(users["author"], article)  # also the parent's author: one notice only
    reply = post_comment(users["other"], article, "Reply", parent=comment)
    notes = {(n.user.username, n.kind) for n in Notification.objects.filter(comment=reply)}
    assert notes == {("author", NotificationKind.REPLY), ("moderator", NotificationKind.FOLLOWED)}


def test_replying_to_yourself_notifies_nobody(users, comment, article):
    post_comment(users["author"], article, "Self", parent=comment)
    assert not Notification.objects.exists()


def test_replies_are_emailed_after_commit_when_the_author_wants_it(
    users, comment, article, mailoutbox, django_capture_on_commit_callbacks
):
    Profile.objects.create(user=users["author"], email_notifications=True)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(users["other"], article, "A reply", parent=comment)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["author@example.org"]
    assert "other replied" in mailoutbox[0].subject and "A reply" in mailoutbox[0].body


def test_no_email_without_the_setting(
    users, comment, article, mailoutbox, django_capture_on_commit_callbacks
):
    Profile.objects.create(user=users["author"], email_notifications=False)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(users["other"], article, "A reply", parent=comment)
    assert mailoutbox == []


def test_editing_keeps_the_previous_version(users, comment):
    actions.edit_comment(users["author"], comment, "New **text**")
    comment.refresh_from_db()
    assert comment.body_html == "<p>New <strong>text</strong></p>\n" and comment.edited
    revision = CommentRevision.objects.get(comment=comment)
    assert revision.body_source == "The *original* text." and revision.editor == users["author"]


def test_an_unchanged_edit_adds_no_revision(users, comment):
    actions.edit_comment(users["author"], comment, comment.body_source)
    assert not CommentRevision.objects.exists()


@pytest.mark.parametrize("role", ["other", "moderator", "admin"])
def test_only_the_author_edits_or_deletes(users, comment, role):
    with pytest.raises(NotAllowed):
        actions.edit_comment(users[role], comment, "Hijacked")
    with pytest.raises(NotAllowed):
        actions.delete_comment(users[role], comment)
    comment.refresh_from_db()
    assert comment.body_source == "The *original* text." and comment.status == "published"


def test_archived_and_removed_comments_cannot_be_edited(users, article):
    archived = make_comment(article, user=users["author"], is_archived=True)
    removed = make_comment(article, user=users["author"], status=CommentStatus.REMOVED)
    for target in (archived, removed):
        with pytest.raises(NotAllowed):
            actions.edit_comment(users["author"], target, "Changed")


def test_deleting_leaves_a_placeholder_and_uncounts(users, comment, article):
    reply = post_comment(users["other"], article, "Reply", parent=comment)
    actions.delete_comment(users["author"], comment)
    comment.refresh_from_db()
    article.refresh_from_db()
    assert comment.status == CommentStatus.DELETED and article.comment_count == 1
    assert Comment.objects.filter(pk=reply.pk, parent=comment).exists()
    # The count agrees with moderation's recount.
    article.refresh_comment_stats()
    assert article.comment_count == 1


def test_marking_notices_read_only_touches_your_own(users, comment, article):
    reply = post_comment(users["other"], article, "Reply", parent=comment)
    note = Notification.objects.get(comment=reply)
    assert actions.mark_read(users["reader"], note.pk) is False
    note.refresh_from_db()
    assert note.read_at is None
    assert actions.mark_read(users["author"], note.pk) is True
    note.refresh_from_db()
    assert note.read_at is not None


def test_unfollowing_stops_notices(users, article, comment):
    actions.follow(users["reader"], article)
    actions.unfollow(users["reader"], article)
    post_comment(users["other"], article, "New")
    assert not Notification.objects.filter(user=users["reader"]).exists()


class _HoldEverything:
    recorded: list = []

    def screen(self, user, article, body_source, parent):
        return Screening("hold", ["held by the test screener"], "Held.")

    def record(self, comment, screening):
        self.recorded.append((comment.pk, screening.reasons))


def test_the_screener_is_the_one_settings_name(users, article, settings):
    settings.AGORA_COMMENT_SCREENER = f"{__name__}._HoldEverything"
    comment = post_comment(users["reader"], article, "Anything at all")
    assert comment.status == CommentStatus.PENDING
    assert _HoldEverything.recorded == [(comment.pk, ["held by the test screener"])]
