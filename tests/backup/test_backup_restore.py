"""A backup restores everything: accounts (public profiles, or whole with --include-private),
comment revisions, follows and the moderation history, byte for byte.

The round trip exports the test database, restores the file into a brand-new database of the
same kind (a temporary SQLite file, or a new PostgreSQL database) with `restore_archive` in a
subprocess, exports that one and compares the bytes."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import profile_for
from backup.reading import BackupError, parse_jsonl
from backup.restore import restore_records
from bench.loadtest import manage, throwaway_database
from comments import actions as comment_actions
from comments.models import Comment, CommentRevision
from moderation import actions as mod
from moderation.models import (
    Flag,
    Hold,
    LogEntry,
    ModerationSettings,
    SiteRule,
    StandingChange,
    UserNote,
)
from tests.backup.test_export import seed_archive

pytestmark = pytest.mark.django_db
NEW_TYPES = [
    "user",
    "site_rule",
    "moderation_settings",
    "comment_revision",
    "follow",
    "hold",
    "flag",
    "standing_change",
    "user_note",
    "log_entry",
]


def seed_everything() -> dict:
    seed_archive()
    User = get_user_model()
    boss = User.objects.create_superuser("boss", "boss@example.org", "boss-pass-123")
    mod_user = User.objects.create_user("mia", "mia@example.org", "mia-pass-123")
    ann = User.objects.create_user("ann", "ann@example.org", "ann-pass-123")
    ben = User.objects.create_user("ben", "ben@example.org", "ben-pass-123", is_active=True)
    gone = User.objects.create_user("gone", "gone@example.org", "x", is_active=False)
    profile = profile_for(ann)
    profile.display_name = "Ann Ödegaard"
    profile.set_bio("Reads *everything* about ferries. <script>x</script>")
    profile.email_notifications = True
    profile.save()
    profile_for(gone)
    mod.add_moderator(boss, mod_user)

    settings_row = ModerationSettings.load()
    values = {
        "banned_words": "scamword",
        "suspect_words": "maybe",
        "new_account_approvals": 0,
        "max_links": 3,
        "repeat_window_minutes": 5,
    }
    mod.update_settings(mod_user, values, reason="Quieter rules")
    settings_row.refresh_from_db()
    rule = SiteRule.objects.create(title="No doxxing", description="Never.", order=9)
    SiteRule.objects.filter(title="Off-topic").update(description="Stay on the article.")

    from archive.models import Article

    article = Article.objects.order_by("id").first()
    first = comment_actions.post_comment(ann, article, "First *thoughts*.")
    reply = comment_actions.post_comment(ben, article, "A reply.", parent=first)
    comment_actions.edit_comment(ann, first, "First thoughts, **edited**.")
    comment_actions.follow(ben, Article.objects.order_by("id")[1])
    mod.flag_comment(ben, first, "off_topic", note="Not about the ferry")
    Hold.objects.create(comment=reply, rule="suspect_word", detail="maybe")
    mod.remove_comment(mod_user, reply, rule=rule, note="Personal details")
    mod.warn_user(mod_user, ben, "Mind the rules")
    mod.suspend_user(mod_user, ben, timezone.now() + datetime.timedelta(days=3), "Again")
    mod.add_user_note(mod_user, ben, "Second warning this month.")
    mod.lock_discussion(mod_user, article, "Heated")
    return {"article": article, "first": first, "reply": reply}


def export(*extra: str) -> str:
    out = io.StringIO()
    call_command("export_archive", "-", *extra, stdout=out)
    return out.getvalue()


def test_the_export_holds_every_new_type_with_users_public_by_default():
    seed_everything()
    records = [json.loads(line) for line in export().splitlines()]
    kinds = {r["type"] for r in records}
    assert set(NEW_TYPES) <= kinds
    ann = next(r for r in records if r["type"] == "user" and r["username"] == "ann")
    assert ann["display_name"] == "Ann Ödegaard" and ann["bio"].startswith("Reads")
    assert ann["date_joined"] and ann["is_active"] is True
    assert not {"email", "password", "is_staff", "groups"} & set(ann)
    assert "ann@example.org" not in export() and "pbkdf2" not in export()
    private = [json.loads(line) for line in export("--include-private").splitlines()]
    ann = next(r for r in private if r["type"] == "user" and r["username"] == "ann")
    assert ann["email"] == "ann@example.org" and ann["password"].startswith("pbkdf2")
    mia = next(r for r in private if r["type"] == "user" and r["username"] == "mia")
    assert mia["groups"] == ["Moderators"]
    entries = [r for r in records if r["type"] == "log_entry"]
    assert {e["action"] for e in entries} >= {"remove", "warn", "suspend", "settings"}
    # Parents first: every id a line refers to was defined on an earlier line.
    position = {(r["type"], r["id"]): n for n, r in enumerate(records)}
    for n, r in enumerate(records):
        for name, kind in (("comment", "comment"), ("article", "article"), ("rule", "site_rule")):
            if isinstance(r.get(name), int) and r["type"] != kind:
                assert position[(kind, r[name])] < n


@pytest.mark.parametrize("extra", [(), ("--include-private",)], ids=["public", "private"])
def test_export_restore_into_an_empty_database_export_gives_the_same_bytes(tmp_path, extra):
    seed_everything()
    first = export(*extra)
    path = tmp_path / "backup.jsonl"
    path.write_text(first, encoding="utf-8")
    with throwaway_database("restore") as env:
        manage(env, "migrate", "--noinput")
        summary = json.loads(manage(env, "restore_archive", str(path), "--json"))
        assert summary["counts"]["article"] > 0 and not summary["dry_run"]
        again = manage(env, "export_archive", "-", *extra)
        if extra:
            # The restored accounts log in with their own passwords.
            check = manage(
                env,
                "shell",
                "-c",
                "from django.contrib.auth import authenticate; "
                "print(authenticate(username='ann', password='ann-pass-123') is not None)",
            )
            assert check.strip().endswith("True")
    for kind in NEW_TYPES:
        assert f'"type": "{kind}"' in again, kind
    assert again == first


def test_a_restore_puts_log_entries_back_and_the_log_stays_append_only():
    seed_everything()
    text = export()
    entries = LogEntry.objects.count()
    # Wipe what a restore refuses to merge with (the log's rows cannot be deleted: truncate).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
            cursor.execute(
                "TRUNCATE moderation_logentry, moderation_flag, moderation_hold, "
                "moderation_standingchange, moderation_usernote, comments_commentrevision, "
                "comments_threadfollow, comments_notification, comments_comment, "
                "archive_provenance, archive_articlerevision, archive_article_authors, "
                "archive_article, archive_author, archive_source CASCADE"
            )
        else:
            for table in (
                "moderation_logentry",
                "moderation_flag",
                "moderation_hold",
                "moderation_standingchange",
                "moderation_usernote",
                "comments_commentrevision",
                "comments_threadfollow",
                "comments_notification",
                "comments_comment",
                "archive_provenance",
                "archive_articlerevision",
                "archive_article_authors",
                "archive_article",
                "archive_author",
                "archive_source",
            ):
                cursor.execute(f"DELETE FROM {table}")
    result = restore_records(parse_jsonl(io.StringIO(text)))
    assert result.counts["log_entry"] == entries == LogEntry.objects.count()
    assert result.counts["user"] == get_user_model().objects.count()
    assert any("already exists" in w for w in result.warnings)  # the accounts were kept
    assert StandingChange.objects.count() == 2 and UserNote.objects.count() == 1
    assert Flag.objects.count() == 1 and Hold.objects.count() == 1
    assert CommentRevision.objects.count() == 1
    entry = LogEntry.objects.order_by("id").first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE moderation_logentry SET reason = 'rewritten' WHERE id = %s", [entry.pk]
        )
    assert LogEntry.objects.create(action="warn", reason="after").pk > max(
        e["id"] for e in map(json.loads, text.splitlines()) if e["type"] == "log_entry"
    )


def private_user_line(username: str, **extra) -> str:
    record = {
        "type": "user",
        "id": 900,
        "username": username,
        "display_name": "",
        "bio": "",
        "date_joined": "2020-01-01T00:00:00+00:00",
        "is_active": True,
        "email": f"{username}@example.org",
        "password": "pbkdf2_sha256$1000000$salt$notarealhash",
        "first_name": "",
        "last_name": "",
        "is_staff": True,
        "is_superuser": True,
        "last_login": None,
        "groups": ["Admins"],
        "email_notifications": False,
    }
    return json.dumps(record | extra) + "\n"


def test_an_upload_by_a_non_superuser_cannot_grant_privileges():
    staff = get_user_model().objects.create_user("clerk", "c@example.org", "x", is_staff=True)
    result = restore_records(parse_jsonl(io.StringIO(private_user_line("mallory"))), user=staff)
    mallory = get_user_model().objects.get(username="mallory")
    assert not mallory.is_staff and not mallory.is_superuser and not mallory.has_usable_password()
    assert not mallory.groups.exists() and mallory.email == ""
    assert any("private account data ignored" in w for w in result.warnings)


def test_the_command_line_restores_private_account_data():
    restore_records(parse_jsonl(io.StringIO(private_user_line("root2"))))
    root2 = get_user_model().objects.get(username="root2")
    assert root2.is_superuser and root2.email == "root2@example.org"
    assert list(root2.groups.values_list("name", flat=True)) == ["Admins"]
    assert Group.objects.filter(name="Admins").exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (private_user_line("x", groups=[1]), "bad 'groups'"),
        (
            json.dumps(
                {
                    "type": "user",
                    "id": 1,
                    "username": "x",
                    "display_name": "",
                    "bio": "",
                    "date_joined": "2020-01-01T00:00:00+00:00",
                    "is_active": True,
                    "email": "x@example.org",
                }
            )
            + "\n",
            "lacks the field 'password'",
        ),
        (private_user_line("x") + private_user_line("x", id=901), "appears twice"),
        (
            '{"type": "log_entry", "id": 1, "actor": null, "created": "2020-01-01T00:00:00Z", '
            '"action": "warn", "comment": 5, "user": null, "article": null, "rule": null, '
            '"rule_title": "", "reason": "", "before": {}, "after": {}}\n',
            "refers to comment 5",
        ),
        (
            '{"type": "log_entry", "id": 1, "actor": null, "created": "2020-01-01T00:00:00Z", '
            '"action": "warn", "comment": null, "user": null, "article": null, "rule": null, '
            '"rule_title": "", "reason": "", "before": [], "after": {}}\n',
            "bad 'before'",
        ),
    ],
)
def test_bad_lines_of_the_new_types_are_named(line, message):
    with pytest.raises(BackupError, match=message):
        list(parse_jsonl(io.StringIO(line)))


def test_an_unknown_log_action_is_refused_and_nothing_is_kept():
    line = (
        '{"type": "log_entry", "id": 1, "actor": null, "created": "2020-01-01T00:00:00Z", '
        '"action": "erase", "comment": null, "user": null, "article": null, "rule": null, '
        '"rule_title": "", "reason": "", "before": {}, "after": {}}\n'
    )
    with pytest.raises(BackupError, match="unknown action"):
        restore_records(parse_jsonl(io.StringIO(private_user_line("kept") + line)))
    assert not get_user_model().objects.filter(username="kept").exists()
    assert not Comment.objects.exists()


def test_an_export_larger_than_the_file_limit_is_restored_whatever_its_name(tmp_path):
    """A backup grows with the archive: restore_archive reads it a line at a time, so the
    per-file import limit (meant for uploads) does not apply to it, nor does its name."""
    seed_everything()
    first = export()
    path = tmp_path / "backup-2026-12-07"
    path.write_text(first, encoding="utf-8")
    assert path.stat().st_size > 4096
    with throwaway_database("restore") as env:
        env = {**env, "AGORA_IMPORT_MAX_FILE_BYTES": "4096", "AGORA_UPLOAD_MAX_BYTES": "4096"}
        manage(env, "migrate", "--noinput")
        summary = json.loads(manage(env, "restore_archive", str(path), "--json"))
        assert summary["counts"]["article"] > 0, summary
        assert manage(env, "export_archive", "-") == first


def test_a_line_past_the_limit_is_refused_without_reading_it_whole(tmp_path, monkeypatch):
    from backup import reading

    monkeypatch.setattr(reading, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "huge.jsonl"
    path.write_bytes(b'{"type": "source", "name": "' + b"x" * 5000 + b'"}\n')
    reads = []
    real_open = type(path).open

    def spying_open(self, *args, **kwargs):
        stream = real_open(self, *args, **kwargs)
        real_readline = stream.readline
        stream.readline = lambda limit=-1: reads.append(limit) or real_readline(limit)
        return stream

    monkeypatch.setattr(type(path), "open", spying_open)
    with pytest.raises(CommandError, match="line 1"):
        call_command("restore_archive", str(path), stdout=io.StringIO())
    assert reads and all(0 < limit <= 1001 for limit in reads)
