import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from archive.models import CommentPolicy
from comments.models import Comment, CommentStatus
from moderation import actions
from moderation.models import Flag, Hold, HoldRule, LogAction, LogEntry, SiteRule
from moderation.standing import posting_block_for, standing_of

from .world import make_comment, make_user


@pytest.fixture
def attack():
    return SiteRule.objects.get(title="Personal attack")


def test_roles_exist_with_their_permissions(moderator):
    assert moderator.has_perm("comments.moderate")
    assert moderator.has_perm("moderation.manage_standing")
    assert not moderator.has_perm("moderation.manage_moderators")
    boss = make_user("boss")
    boss.groups.add(Group.objects.get(name="Admins"))
    assert boss.has_perm("moderation.manage_moderators")


@pytest.mark.django_db
def test_default_site_rules_exist():
    assert list(SiteRule.objects.values_list("title", flat=True)) == [
        "Personal attack",
        "Spam or advertising",
        "Off-topic",
        "Hate or harassment",
        "Misinformation likely to cause harm",
        "Other",
    ]


def test_approve_publishes_resolves_holds_recounts_and_logs(moderator, comment_factory, article):
    comment = comment_factory(status=CommentStatus.PENDING)
    Hold.objects.create(comment=comment, rule=HoldRule.NEW_ACCOUNT)
    entry = actions.approve_comment(moderator, comment, reason="fine")
    comment.refresh_from_db()
    article.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert article.comment_count == 1
    assert not Hold.objects.filter(resolved=False).exists()
    assert (entry.action, entry.actor, entry.comment, entry.article) == (
        LogAction.APPROVE,
        moderator,
        comment,
        article,
    )
    assert entry.before == {"status": "pending"} and entry.after == {"status": "published"}


def test_remove_needs_a_rule_and_records_it(moderator, comment, attack, article):
    with pytest.raises(ValidationError):
        actions.remove_comment(moderator, comment, rule=None)
    entry = actions.remove_comment(moderator, comment, rule=attack, note="Name-calling")
    comment.refresh_from_db()
    article.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED
    assert article.comment_count == 0
    assert entry.why == "Personal attack — Name-calling"


def test_readers_cannot_act(reader, comment, attack):
    for call in (
        lambda: actions.approve_comment(reader, comment),
        lambda: actions.remove_comment(reader, comment, rule=attack),
        lambda: actions.mark_spam(reader, comment),
        lambda: actions.feature_comment(reader, comment),
        lambda: actions.lock_replies(reader, comment),
        lambda: actions.warn_user(reader, comment.user, "no"),
        lambda: actions.lock_discussion(reader, comment.article, "no"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert not LogEntry.objects.exists()


def test_spam_and_restore(moderator, comment):
    actions.mark_spam(moderator, comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.SPAM
    actions.restore_comment(moderator, comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    with pytest.raises(ValidationError):
        actions.restore_comment(moderator, comment)
    assert list(LogEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "spam",
        "restore",
    ]


def test_feature_lock_and_their_opposites(moderator, comment):
    actions.feature_comment(moderator, comment)
    actions.lock_replies(moderator, comment)
    comment.refresh_from_db()
    assert comment.is_featured and comment.replies_locked
    actions.unfeature_comment(moderator, comment)
    actions.unlock_replies(moderator, comment)
    comment.refresh_from_db()
    assert not comment.is_featured and not comment.replies_locked
    assert LogEntry.objects.count() == 4


def test_an_action_that_fails_leaves_nothing_behind(moderator, comment, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("log down")

    monkeypatch.setattr(actions, "_log", boom)
    with pytest.raises(RuntimeError):
        actions.mark_spam(moderator, comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED


def test_flags_one_per_reader_and_not_your_own(reader, author, comment):
    actions.flag_comment(reader, comment, "spam")
    with pytest.raises(actions.AlreadyFlagged):
        actions.flag_comment(reader, comment, "abuse")
    with pytest.raises(PermissionDenied):
        actions.flag_comment(author, comment, "spam")
    with pytest.raises(ValidationError):
        actions.flag_comment(make_user("other"), comment, "other", "  ")
    assert Flag.objects.count() == 1


@override_settings(AGORA_FLAG_HIDE_THRESHOLD=3)
def test_three_readers_hide_a_comment_until_a_moderator_decides(comment, article, moderator):
    article.refresh_comment_stats()
    for name in ("r1", "r2"):
        actions.flag_comment(make_user(name), comment, "abuse")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    actions.flag_comment(make_user("r3"), comment, "other", "nasty")
    comment.refresh_from_db()
    article.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert article.comment_count == 0
    assert Hold.objects.get().rule == HoldRule.FLAG_THRESHOLD
    assert LogEntry.objects.get().action == LogAction.FLAG_HIDE
    actions.approve_comment(moderator, comment)
    assert not Flag.objects.filter(resolved=False).exists()


def test_standing_history_and_current_standing(moderator, reader):
    assert standing_of(reader).state == "good"
    actions.warn_user(moderator, reader, "Tone")
    assert standing_of(reader).state == "warned"
    until = timezone.now() + datetime.timedelta(days=2)
    actions.suspend_user(moderator, reader, until, "Insults")
    assert standing_of(reader).state == "suspended"
    block = posting_block_for(reader)
    assert "suspended" in block and "Insults" in block and str(until.year) in block
    actions.ban_user(moderator, reader, "Again")
    assert standing_of(reader).state == "banned"
    actions.restore_user(moderator, reader, "Appeal accepted")
    assert standing_of(reader).state == "good"
    assert posting_block_for(reader) is None
    assert reader.standing_changes.count() == 4
    assert LogEntry.objects.filter(user=reader).count() == 4


def test_a_suspension_ends_by_itself(moderator, reader):
    actions.suspend_user(moderator, reader, timezone.now() + datetime.timedelta(days=1), "x")
    reader.standing_changes.update(until=timezone.now() - datetime.timedelta(minutes=1))
    assert standing_of(reader).state == "good"


def test_standing_needs_a_reason_and_a_future_date(moderator, reader):
    with pytest.raises(ValidationError):
        actions.warn_user(moderator, reader, " ")
    with pytest.raises(ValidationError):
        actions.suspend_user(moderator, reader, timezone.now() - datetime.timedelta(days=1), "x")
    with pytest.raises(PermissionDenied):
        actions.ban_user(moderator, moderator, "self")


def test_article_policy_close_and_lock_are_logged(moderator, article):
    actions.set_comment_policy(moderator, article, CommentPolicy.PREMODERATED, "Heated")
    closes = timezone.now() + datetime.timedelta(days=7)
    actions.close_discussion_on(moderator, article, closes, "A week is enough")
    actions.lock_discussion(moderator, article, "Cooling off")
    article.refresh_from_db()
    assert article.comment_policy == CommentPolicy.PREMODERATED
    assert article.discussion_closes_at == closes
    assert article.discussion_locked and not article.discussion_is_open
    actions.unlock_discussion(moderator, article, "Calm again")
    entries = LogEntry.objects.filter(article=article).order_by("id")
    assert [e.action for e in entries] == [
        "policy",
        "close_on",
        "lock_discussion",
        "unlock_discussion",
    ]
    assert entries[0].before == {"comment_policy": "open"}
    assert entries[0].reason == "Heated"


def test_the_log_is_append_only(moderator, comment):
    entry = actions.mark_spam(moderator, comment)
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LogEntry.objects.all().update(reason="x")
    with pytest.raises(TypeError):
        LogEntry.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_rewrite_the_log(django_db_blocker):
    moderator = make_user("m2", role="moderator")
    from archive.models import Article, Source

    source = Source.objects.create(name="S")
    article = Article.objects.create(source=source, title="T", body_html="", body_text="")
    comment = make_comment(article, moderator, "x")
    entry = actions.feature_comment(moderator, comment)
    with pytest.raises(Exception, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE moderation_logentry SET reason = 'rewritten' WHERE id = %s", [entry.pk]
            )
    # Deleting the comment may still null the log's link to it.
    comment.delete()
    assert LogEntry.objects.get(pk=entry.pk).comment_id is None


def test_settings_changes_are_logged(moderator):
    values = {
        "banned_words": "foo",
        "suspect_words": "",
        "new_account_approvals": 1,
        "max_links": 5,
        "repeat_window_minutes": 10,
    }
    entry = actions.update_settings(moderator, values, "tighter")
    assert entry.before == {"banned_words": "", "new_account_approvals": 2, "max_links": 2}
    assert entry.after["banned_words"] == "foo"


def test_only_admins_manage_moderators(moderator, reader):
    admin = make_user("root", role="admin")
    with pytest.raises(PermissionDenied):
        actions.add_moderator(moderator, reader)
    actions.add_moderator(admin, reader)
    reader = type(reader).objects.get(pk=reader.pk)
    assert reader.has_perm("comments.moderate")
    actions.remove_moderator(admin, reader)
    reader = type(reader).objects.get(pk=reader.pk)
    assert not reader.has_perm("comments.moderate")


def test_removing_a_comment_with_replies_keeps_them_and_restores(
    client, moderator, article, author, reader
):
    parent = make_comment(article, author, "Parent text that breaks the rules")
    reply = make_comment(article, reader, "A reply", parent=parent)
    entry = actions.remove_comment(
        moderator, parent, rule=SiteRule.objects.get(title="Off-topic"), note="Derails"
    )
    from moderation.queue import removal_entries

    assert removal_entries([parent.pk, reply.pk]) == {parent.pk: entry}
    reply.refresh_from_db()
    assert reply.status == CommentStatus.PUBLISHED
    # The thread keeps the removed comment as a placeholder so the reply keeps its place.
    from django.contrib.auth.models import AnonymousUser

    shown = Comment.objects.visible_to(AnonymousUser()).in_thread(article)
    assert set(shown.values_list("pk", "status")) == {
        (parent.pk, CommentStatus.REMOVED),
        (reply.pk, CommentStatus.PUBLISHED),
    }
    page = client.get(entry.get_absolute_url())
    assert b"Off-topic" in page.content and b"Derails" in page.content
    assert b"breaks the rules" not in page.content  # the public never sees the removed text
    client.force_login(moderator)
    assert b"breaks the rules" in client.get(entry.get_absolute_url()).content
    actions.restore_comment(moderator, parent)
    parent.refresh_from_db()
    assert parent.status == CommentStatus.PUBLISHED
