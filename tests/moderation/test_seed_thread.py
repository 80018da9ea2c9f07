"""End to end on real data: seed 003 imported with its manifest through the import pipeline,
then its archived thread moderated: a removal with a rule and a note, then a restore."""

from __future__ import annotations

from django.urls import reverse

from archive.models import Article
from comments.models import Comment, CommentStatus
from imports.pipeline import import_paths, read_manifest
from moderation import actions
from moderation.models import LogAction, LogEntry, SiteRule
from tests.conftest import shared_path

from .world import make_user

SEED = "003_54302b17e97d2168.txt"


def import_seed_003() -> Article:
    seeds = shared_path("seeds")
    manifest = read_manifest((seeds / "manifest.csv").read_bytes())
    summary = import_paths([seeds / SEED], manifest=manifest)
    assert not summary.failures, summary.failures
    return Article.objects.get(provenance__file_name=SEED)


def test_moderating_the_seed_003_thread_end_to_end(client, db):
    article = import_seed_003()
    moderator = make_user("seedmod", role="moderator")
    comments = list(Comment.objects.filter(article=article))
    assert len(comments) == 6 and all(c.is_archived for c in comments)
    # The first comment with replies: removed for a rule, with a note.
    target = next(c for c in comments if Comment.objects.filter(parent=c).exists())
    replies = list(Comment.objects.filter(parent=target))
    removed_words = target.body_source.split("\n")[0][:40]
    rule = SiteRule.objects.get(title="Off-topic")
    entry = actions.remove_comment(moderator, target, rule=rule, note="Strays from the article")

    html = client.get(article.get_absolute_url()).content.decode()
    log_url = reverse("moderation:log_entry", args=[entry.pk])
    assert f'<a href="{log_url}"' in html and "[removed by a moderator]" in html
    assert removed_words not in html
    for reply in replies:  # replies keep their place under the placeholder
        assert f'id="c{reply.pk}"' in html
        assert reply.body_source.split("\n")[0][:40] in html.replace("&#x27;", "'")

    log = client.get(reverse("moderation:log")).content.decode()
    assert "Removed a comment" in log and "Off-topic — Strays from the article" in log
    entry_page = client.get(log_url).content.decode()
    assert "Off-topic" in entry_page and "Strays from the article" in entry_page
    assert removed_words not in entry_page  # the public log never shows the removed text

    actions.restore_comment(moderator, target, reason="Second look")
    target.refresh_from_db()
    assert target.status == CommentStatus.PUBLISHED
    html = client.get(article.get_absolute_url()).content.decode()
    assert "[removed by a moderator]" not in html
    assert removed_words in html.replace("&#x27;", "'")
    kinds = list(
        LogEntry.objects.filter(comment=target).order_by("created", "id").values_list("action")
    )
    assert kinds == [(LogAction.REMOVE,), (LogAction.RESTORE,)]
    log = client.get(reverse("moderation:log")).content.decode()
    assert "Removed a comment" in log and "Restored a comment" in log
