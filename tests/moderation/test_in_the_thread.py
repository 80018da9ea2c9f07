"""Moderation wired into the discussion: posting obeys the rules and records holds, approval
notifies, thread rows carry the report link and moderators' controls, removed comments link to
the log, featured comments are listed, revisions are compared, display names are shown."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import profile_for
from comments.actions import CommentRejected, edit_comment, follow, post_comment
from comments.models import CommentStatus, Notification, NotificationKind
from moderation import actions
from moderation.models import Hold, HoldRule, LogEntry, SiteRule

from .world import make_comment, make_user


def page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def signed_in(client, user):
    client.force_login(user)
    return client


# Posting obeys moderation -------------------------------------------------------------------


def test_a_new_accounts_comment_is_held_and_the_queue_says_why(client, article, moderator):
    newcomer = make_user("newcomer")
    comment = post_comment(newcomer, article, "My very first comment.")
    assert comment.status == CommentStatus.PENDING
    hold = Hold.objects.get(comment=comment)
    assert hold.rule == HoldRule.NEW_ACCOUNT and "0 of 2" in hold.detail
    html = signed_in(client, moderator).get(reverse("moderation:queue")).content.decode()
    assert "My very first comment." in html and "New account" in html and "0 of 2" in html


def test_a_published_comment_records_no_hold(article, author):
    trusted = make_user("trusted")
    for n in range(2):
        make_comment(article, trusted, f"Approved earlier {n}")
    comment = post_comment(trusted, article, "Fine words.")
    assert comment.status == CommentStatus.PUBLISHED and not Hold.objects.exists()


@pytest.mark.parametrize("role", ["suspended", "banned"])
def test_restricted_readers_see_why_instead_of_the_form(client, article, role):
    user = make_user(role, role=role)
    html = page(signed_in(client, user), article)
    assert 'id="comment-form"' not in html and 'class="comment__reply"' not in html
    assert "Repeated personal attacks" in html
    if role == "suspended":
        assert "suspended from posting until" in html
    else:
        assert "banned from posting" in html
    posting_page = client.get(reverse("comments:post", args=[article.slug])).content.decode()
    assert 'id="comment-form"' not in posting_page and "Repeated personal attacks" in posting_page
    with pytest.raises(CommentRejected, match="Repeated personal attacks"):
        post_comment(user, article, "Let me in.")


def test_a_suspension_that_ended_gives_the_form_back(client, article, moderator):
    user = make_user("back")
    actions.suspend_user(
        moderator, user, timezone.now() + datetime.timedelta(minutes=5), "Cooling off"
    )
    assert "Cooling off" in page(signed_in(client, user), article)
    actions.restore_user(moderator, user, "Served")
    html = page(client, article)
    assert "Cooling off" not in html and 'id="comment-form"' in html


# Approval notifies --------------------------------------------------------------------------


def test_approving_a_held_reply_notifies_its_parent_author_and_followers(
    article, author, moderator
):
    parent = make_comment(article, author, "The ferry is back.")
    watcher = make_user("watcher")
    follow(watcher, article)
    newcomer = make_user("newcomer")
    reply = post_comment(newcomer, article, "Held reply.", parent=parent)
    assert reply.status == CommentStatus.PENDING and not Notification.objects.exists()
    actions.approve_comment(moderator, reply)
    notes = {(n.user.username, n.kind) for n in Notification.objects.filter(comment=reply)}
    assert notes == {("author", NotificationKind.REPLY), ("watcher", NotificationKind.FOLLOWED)}
    # Approving again (or restoring later) does not notify twice.
    actions.approve_comment(moderator, reply)
    assert Notification.objects.filter(comment=reply).count() == 2


def test_restoring_a_held_comment_marked_spam_notifies(article, author, moderator):
    parent = make_comment(article, author, "The ferry is back.")
    reply = post_comment(make_user("newcomer"), article, "Held reply.", parent=parent)
    actions.mark_spam(moderator, reply)
    assert not Notification.objects.exists()
    actions.restore_comment(moderator, reply)
    assert Notification.objects.get(comment=reply).user == author


def test_removing_notifies_nobody(article, author, moderator, reader):
    parent = make_comment(article, author, "The ferry is back.")
    reply = make_comment(article, reader, "Reply.", parent=parent)
    actions.remove_comment(moderator, reply, rule=SiteRule.objects.first())
    assert not Notification.objects.exists()


# The thread ---------------------------------------------------------------------------------


def test_readers_get_a_report_link_and_then_see_reported(client, article, comment, reader):
    flag_url = reverse("moderation:flag", args=[comment.pk])
    html = page(signed_in(client, reader), article)
    assert f'href="{flag_url}"' in html
    actions.flag_comment(reader, comment, "spam")
    html = page(client, article)
    assert f'href="{flag_url}"' not in html and "Reported" in html


def test_no_report_link_for_anonymous_readers_or_on_your_own_comment(
    client, article, comment, author
):
    flag_url = reverse("moderation:flag", args=[comment.pk])
    assert flag_url not in page(client, article)
    assert flag_url not in page(signed_in(client, author), article)


def test_moderators_get_quick_actions_that_return_to_the_comment(
    client, article, comment, moderator
):
    held = make_comment(article, make_user("newcomer"), "Waiting.", status=CommentStatus.PENDING)
    html = page(signed_in(client, moderator), article)
    act = reverse("moderation:comment_action", args=[held.pk])
    assert f'action="{act}"' in html and 'value="approve"' in html
    assert f'value="{article.get_absolute_url()}#c{held.pk}"' in html
    assert reverse("moderation:comment_action", args=[comment.pk]) + "?action=remove" in html
    response = client.post(
        act, {"action": "approve", "next": f"{article.get_absolute_url()}#c{held.pk}"}
    )
    assert response.status_code == 302 and response.url.endswith(f"#c{held.pk}")
    held.refresh_from_db()
    assert held.status == CommentStatus.PUBLISHED


def test_removed_comments_link_to_their_log_entry_and_keep_replies(
    client, article, comment, moderator, reader
):
    reply = make_comment(article, reader, "A reply that stays.", parent=comment)
    entry = actions.remove_comment(
        moderator, comment, rule=SiteRule.objects.get(title="Off-topic"), note="Not the ferry"
    )
    html = page(client, article)
    log_url = reverse("moderation:log_entry", args=[entry.pk])
    assert f'<a href="{log_url}"' in html and "[removed by a moderator]</a>" in html
    assert "at last" not in html and "A reply that stays." in html
    assert f'id="c{reply.pk}"' in html
    # Moderators still read the removed text, marked as such.
    html = page(signed_in(client, moderator), article)
    assert "Removed text, shown to moderators" in html and "at last" in html


def test_featured_comments_are_highlighted_and_listed_first(
    client, article, comment, moderator, reader
):
    other = make_comment(article, reader, "An ordinary comment.")
    actions.feature_comment(moderator, comment)
    html = page(client, article)
    assert "comment--featured" in html and "badge--featured" in html
    block = html.index('id="featured-heading"')
    assert block < html.index(f'id="c{comment.pk}"')
    assert f'href="#c{comment.pk}"' in html[block:]
    assert html.count("comment--featured") == 1 and f'id="c{other.pk}"' in html


def test_featured_comments_on_another_page_link_to_their_own_page(
    client, settings, article, comment, moderator, reader
):
    settings.AGORA_THREAD_PAGE_SIZE = 1
    later = make_comment(
        article, reader, "Later.", created=timezone.now() + datetime.timedelta(minutes=1)
    )
    actions.feature_comment(moderator, later)
    html = page(client, article)
    assert f'href="{reverse("comments:permalink", args=[later.pk])}">' in html


def test_locked_replies_say_so_and_offer_no_reply(client, article, comment, moderator, reader):
    actions.lock_replies(moderator, comment)
    html = page(signed_in(client, reader), article)
    assert "replies locked" in html and f'data-reply-to="{comment.pk}"' not in html
    posting = client.get(reverse("comments:post", args=[article.slug]) + f"?parent={comment.pk}")
    assert "Replies to this comment are locked." in posting.content.decode()
    assert 'id="comment-form"' not in posting.content.decode()


def test_display_names_are_shown_and_escaped(client, article, comment, author, moderator):
    profile = profile_for(author)
    profile.display_name = "Ana <b>Ruiz</b>"
    profile.save()
    html = page(client, article)
    assert ">Ana &lt;b&gt;Ruiz&lt;/b&gt;</a>" in html and "<b>Ruiz</b>" not in html
    actions.remove_comment(moderator, comment, rule=SiteRule.objects.first())
    queue = signed_in(client, moderator).get(reverse("moderation:queue") + "?tab=removed")
    assert "Ana &lt;b&gt;Ruiz&lt;/b&gt;" in queue.content.decode()
    mod_profile = profile_for(moderator)
    mod_profile.display_name = "Mo Derator"
    mod_profile.save()
    log = client.get(reverse("moderation:log")).content.decode()
    assert ">Mo Derator</td>" in log


def test_the_log_and_queue_cost_no_query_per_display_name(
    client, article, moderator, django_assert_max_num_queries
):
    def build(n):
        for i in range(n):
            user = make_user(f"user{len(LogEntry.objects.all())}-{i}")
            profile_for(user).save()
            c = make_comment(article, user, f"c{i}", status=CommentStatus.PENDING)
            actions.approve_comment(moderator, c)

    signed_in(client, moderator)
    build(2)
    with django_assert_max_num_queries(100) as small:
        client.get(reverse("moderation:log"))
    build(8)
    with django_assert_max_num_queries(100) as big:
        client.get(reverse("moderation:log"))
    assert len(small.captured_queries) == len(big.captured_queries)


# Revisions ----------------------------------------------------------------------------------


def test_moderators_compare_revisions_from_the_edited_mark(
    client, article, comment, author, moderator
):
    edit_comment(author, comment, "The ferry is back, **on time**.")
    url = reverse("moderation:revisions", args=[comment.pk])
    html = page(signed_in(client, moderator), article)
    assert f'<a class="comment__edited" href="{url}">edited' in html
    diff = client.get(url).content.decode()
    assert "<del>" in diff and "<ins>" in diff and "Current text" in diff
    history = client.get(reverse("comments:history", args=[comment.pk])).content.decode()
    assert f'href="{url}"' in history
    queue = client.get(reverse("moderation:queue") + "?tab=new").content.decode()
    assert f'href="{url}"' in queue


def test_authors_see_their_history_but_not_the_moderators_diff(client, article, comment, author):
    edit_comment(author, comment, "Changed.")
    url = reverse("moderation:revisions", args=[comment.pk])
    html = page(signed_in(client, author), article)
    assert url not in html and reverse("comments:history", args=[comment.pk]) in html
    assert client.get(url).status_code == 403
    history = client.get(reverse("comments:history", args=[comment.pk])).content.decode()
    assert url not in history
