import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentStatus
from moderation import actions
from moderation.models import Flag, Hold, HoldRule, LogEntry, ModerationSettings, SiteRule
from moderation.queue import flagged_ids
from moderation.views import filter_text

from .world import make_comment, make_user


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


def fill_queue(article, n: int, start: int = 0):
    """n pending comments by n different authors, each with a hold and a parent."""
    parent = make_comment(article, make_user(f"p{start}"), "The parent")
    for i in range(start, start + n):
        user = make_user(f"writer{i}")
        make_comment(article, user, "old one")
        comment = make_comment(
            article, user, f"Pending {i}", parent=parent, status=CommentStatus.PENDING
        )
        Hold.objects.create(comment=comment, rule=HoldRule.NEW_ACCOUNT)
        Flag.objects.create(comment=comment, reader=make_user(f"flagger{i}"), reason="spam")


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("moderation:queue"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_readers_are_refused(client, reader):
    client.force_login(reader)
    assert client.get(reverse("moderation:queue")).status_code == 403


def test_the_queue_shows_context_record_and_why(mod_client, article):
    fill_queue(article, 2)
    response = mod_client.get(reverse("moderation:queue"))
    body = response.content.decode()
    assert "Pending 0" in body and "Pending 1" in body
    assert "In reply to" in body and "The parent" in body
    assert "1 approved, 0 removed, 1 flag received" in body
    assert "New account" in body and "Reported by flagger0" in body


def test_the_queue_costs_the_same_queries_for_5_or_25_items(mod_client, article):
    fill_queue(article, 5)
    small = queries_for(mod_client, reverse("moderation:queue"))
    fill_queue(article, 20, start=5)
    assert queries_for(mod_client, reverse("moderation:queue")) == small
    assert small <= 16


@pytest.mark.parametrize("tab", ["pending", "flagged", "new", "removed"])
def test_every_tab_has_fixed_query_cost(mod_client, article, tab, moderator):
    fill_queue(article, 3)
    rule = SiteRule.objects.first()
    for comment in Comment.objects.filter(status=CommentStatus.PENDING)[:2]:
        actions.remove_comment(moderator, comment, rule=rule)
    url = reverse("moderation:queue") + f"?tab={tab}"
    small = queries_for(mod_client, url)
    fill_queue(article, 6, start=3)
    for comment in Comment.objects.filter(status=CommentStatus.PENDING)[:3]:
        actions.remove_comment(moderator, comment, rule=rule)
    assert queries_for(mod_client, url) == small


def test_tabs_list_what_they_say(mod_client, article, author, moderator):
    pending = make_comment(article, author, "waiting", status=CommentStatus.PENDING)
    flagged = make_comment(article, author, "reported")
    Flag.objects.create(comment=flagged, reader=make_user("r"), reason="abuse")
    removed = make_comment(article, author, "gone")
    actions.remove_comment(moderator, removed, rule=SiteRule.objects.first())

    def ids(tab):
        return {c.pk for c in mod_client.get(f"/moderation/?tab={tab}").context["items"]}

    assert ids("pending") == {pending.pk}
    assert ids("flagged") == {flagged.pk}
    assert ids("removed") == {removed.pk}
    assert ids("new") == {pending.pk, flagged.pk, removed.pk}


def test_filters(mod_client, article, make_article, author):
    other = make_article("Library")
    make_comment(article, author, "about the ferry", status=CommentStatus.PENDING)
    make_comment(other, make_user("zed"), "about books", status=CommentStatus.PENDING)

    def bodies(query):
        response = mod_client.get("/moderation/?" + query)
        return sorted(c.body_source for c in response.context["items"])

    assert bodies(f"article={other.slug}") == ["about books"]
    assert bodies("author=ZED") == ["about books"]
    assert bodies("q=FERRY") == ["about the ferry"]
    assert bodies("status=pending") == ["about books", "about the ferry"]
    today = timezone.localdate().isoformat()
    assert len(bodies(f"date_from={today}&date_to={today}")) == 2
    assert bodies("date_from=2001-01-01&date_to=2001-01-02") == []
    assert mod_client.get("/moderation/?date_from=nonsense").status_code == 400
    assert mod_client.get("/moderation/?reason=flag:nope").status_code == 400


def test_filter_by_reason(mod_client, article, author):
    held = make_comment(article, author, "held", status=CommentStatus.PENDING)
    Hold.objects.create(comment=held, rule=HoldRule.TOO_MANY_LINKS)
    make_comment(article, author, "plain", status=CommentStatus.PENDING)
    response = mod_client.get("/moderation/?reason=hold:too_many_links")
    assert [c.pk for c in response.context["items"]] == [held.pk]


def test_the_text_filter_is_the_full_text_search(article, author, moderator):
    held = make_comment(article, author, "Harbour news", status=CommentStatus.PENDING)
    make_comment(article, author, "Ferry timetable", status=CommentStatus.PENDING)
    found = filter_text(Comment.objects.all(), "harbour", moderator)
    assert [c.pk for c in found] == [held.pk], "moderators find held comments"
    assert not filter_text(Comment.objects.all(), "harbour", None).exists(), "readers do not"
    assert filter_text(Comment.objects.all(), '"ferry timetable" -harbour', moderator).count() == 1
    assert filter_text(Comment.objects.all(), "  ", moderator).count() == 2


def test_an_action_returns_to_the_queue_with_its_filters(mod_client, article, author):
    comment = make_comment(article, author, "x", status=CommentStatus.PENDING)
    back = "/moderation/?tab=pending&author=author"
    response = mod_client.post(
        reverse("moderation:comment_action", args=[comment.pk]),
        {"action": "approve", "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED


def test_next_may_not_leave_the_site(mod_client, comment):
    response = mod_client.post(
        reverse("moderation:comment_action", args=[comment.pk]),
        {"action": "feature", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("moderation:queue")


def test_remove_without_a_rule_is_refused_and_changes_nothing(mod_client, comment):
    response = mod_client.post(
        reverse("moderation:comment_action", args=[comment.pk]), {"action": "remove"}
    )
    assert response.status_code == 400
    assert "Choose the rule" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert not LogEntry.objects.exists()


def test_the_remove_confirm_page_works_without_javascript(mod_client, comment):
    url = reverse("moderation:comment_action", args=[comment.pk])
    assert mod_client.get(url + "?action=remove").status_code == 200
    rule = SiteRule.objects.get(title="Personal attack")
    response = mod_client.post(url, {"action": "remove", "rule": rule.pk, "note": "\x00bad"})
    assert response.status_code == 400  # NUL byte refused with a message
    mod_client.post(url, {"action": "remove", "rule": rule.pk, "note": "Insult"})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED


def test_bulk_actions(mod_client, article, author):
    comments = [
        make_comment(article, author, f"c{i}", status=CommentStatus.PENDING) for i in range(3)
    ]
    rule = SiteRule.objects.get(title="Spam or advertising")
    response = mod_client.post(
        reverse("moderation:bulk"),
        {"ids": [c.pk for c in comments[:2]], "action": "remove", "rule": rule.pk},
    )
    assert response.status_code == 302
    statuses = [Comment.objects.get(pk=c.pk).status for c in comments]
    assert statuses == ["removed", "removed", "pending"]
    assert LogEntry.objects.filter(action="remove", rule=rule).count() == 2


def test_bulk_remove_needs_a_rule(mod_client, comment):
    mod_client.post(reverse("moderation:bulk"), {"ids": [comment.pk], "action": "remove"})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED


def test_bulk_rejects_garbage_ids(mod_client, comment):
    response = mod_client.post(reverse("moderation:bulk"), {"ids": ["x"], "action": "approve"})
    assert response.status_code == 302
    assert not LogEntry.objects.exists()


def test_a_reader_flags_with_a_form_and_gets_told_on_a_second_try(client, reader, comment):
    client.force_login(reader)
    url = reverse("moderation:flag", args=[comment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "spam"}, follow=True)
    assert "Thank you" in response.content.decode()
    response = client.post(url, {"reason": "abuse"}, follow=True)
    assert "already reported" in response.content.decode()
    assert Flag.objects.count() == 1


def test_other_needs_a_note(client, reader, comment):
    client.force_login(reader)
    response = client.post(reverse("moderation:flag", args=[comment.pk]), {"reason": "other"})
    assert response.status_code == 400
    assert not Flag.objects.exists()


def test_flagging_your_own_comment_is_refused(client, author, comment):
    client.force_login(author)
    response = client.post(reverse("moderation:flag", args=[comment.pk]), {"reason": "spam"})
    assert response.status_code == 403
    assert not Flag.objects.exists()


def test_flagging_is_rate_limited(client, reader, article, author, settings):
    settings.AGORA_RATE_LIMITS = {**settings.AGORA_RATE_LIMITS, "flag": (2, 3600)}
    client.force_login(reader)
    comments = [make_comment(article, author, f"c{i}") for i in range(3)]
    codes = [
        client.post(reverse("moderation:flag", args=[c.pk]), {"reason": "spam"}).status_code
        for c in comments
    ]
    assert codes == [302, 302, 429]
    assert Flag.objects.count() == 2


def test_pending_comments_cannot_be_flagged_by_others(client, reader, article, author):
    pending = make_comment(article, author, "p", status=CommentStatus.PENDING)
    client.force_login(reader)
    assert client.get(reverse("moderation:flag", args=[pending.pk])).status_code == 404


def test_the_user_page_and_standing_actions(mod_client, reader):
    url = reverse("moderation:user", args=[reader.username])
    assert mod_client.get(url).status_code == 200
    until = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    mod_client.post(
        reverse("moderation:standing", args=[reader.username]),
        {"kind": "suspend", "until": until, "reason": "Insults"},
    )
    body = mod_client.get(url).content.decode()
    assert "Suspended until" in body and "Insults" in body
    mod_client.post(
        reverse("moderation:note", args=[reader.username]), {"body": "Watch <b>this</b>"}
    )
    body = mod_client.get(url).content.decode()
    assert "Watch &lt;b&gt;this&lt;/b&gt;" in body


def test_a_suspension_without_a_date_is_refused(mod_client, reader):
    mod_client.post(
        reverse("moderation:standing", args=[reader.username]),
        {"kind": "suspend", "reason": "x"},
    )
    assert not reader.standing_changes.exists()


def test_the_article_page_changes_policy_lock_and_date_with_a_reason(mod_client, article):
    url = reverse("moderation:article", args=[article.slug])
    assert mod_client.get(url).status_code == 200
    response = mod_client.post(
        url,
        {"comment_policy": "premoderated", "discussion_locked": "on", "reason": "Heated"},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.comment_policy == "premoderated" and article.discussion_locked
    assert LogEntry.objects.filter(article=article).count() == 2
    response = mod_client.post(url, {"comment_policy": "closed", "reason": ""})
    assert response.status_code == 400


def test_settings_page(mod_client):
    url = reverse("moderation:settings")
    assert mod_client.get(url).status_code == 200
    data = {
        "banned_words": "  scumbag \n\n idiot ",
        "suspect_words": "",
        "new_account_approvals": 3,
        "max_links": 2,
        "repeat_window_minutes": 10,
        "reason": "Trolls",
    }
    assert mod_client.post(url, data).status_code == 302
    assert ModerationSettings.load().banned_words == "scumbag\nidiot"
    assert LogEntry.objects.get(action="settings").reason == "Trolls"
    assert mod_client.post(url, {**data, "max_links": -1}).status_code == 400


def test_the_moderators_page_adds_and_removes(client, reader):
    admin = make_user("boss", role="admin")
    client.force_login(admin)
    url = reverse("moderation:moderators")
    assert client.get(url).status_code == 200
    client.post(url, {"username": reader.username, "op": "add"})
    assert reader.groups.filter(name="Moderators").exists()
    assert reader.username in client.get(url).content.decode()
    client.post(url, {"username": reader.username, "op": "remove"})
    assert not reader.groups.filter(name="Moderators").exists()
    response = client.post(url, {"username": "nobody", "op": "add"}, follow=True)
    assert "There is no user" in response.content.decode()


def test_moderators_cannot_manage_moderators(mod_client, reader):
    response = mod_client.post(reverse("moderation:moderators"), {"username": reader.username})
    assert response.status_code == 403
    assert not Group.objects.get(name="Moderators").user_set.filter(pk=reader.pk).exists()


def test_the_public_log_lists_filters_and_has_fixed_cost(client, moderator, article, author):
    rule = SiteRule.objects.get(title="Personal attack")

    def add(n):
        for i in range(n):
            actions.remove_comment(
                moderator, make_comment(article, author, f"secret text {i}"), rule=rule
            )

    add(3)
    small = queries_for(client, reverse("moderation:log"))
    add(10)
    assert queries_for(client, reverse("moderation:log")) == small
    body = client.get(reverse("moderation:log")).content.decode()
    assert "Personal attack" in body and "secret text" not in body
    response = client.get(reverse("moderation:log") + "?action=spam")
    assert response.context["page"].paginator.count == 0
    response = client.get(reverse("moderation:log") + f"?moderator=mod&article={article.slug}")
    assert response.context["page"].paginator.count == 13
    assert client.get(reverse("moderation:log") + "?action=bogus").status_code == 400
    assert client.get(reverse("moderation:log") + "?page=99").status_code == 404


def test_comment_actions_partial_costs_no_queries_per_comment(rf, reader, article, author):
    comments = [make_comment(article, author, f"c{i}") for i in range(5)]
    request = rf.get("/")
    request.user = reader
    flagged = flagged_ids(reader, [c.pk for c in comments])
    from django.contrib.auth.context_processors import PermWrapper

    template = Template(
        '{% for comment in comments %}{% include "moderation/_comment_actions.html" %}{% endfor %}'
    )
    context = Context(
        {
            "comments": comments,
            "user": reader,
            "perms": PermWrapper(reader),
            "flagged_ids": flagged,
            "request": request,
        }
    )
    template.render(context)  # warms the permission cache
    with CaptureQueriesContext(connection) as ctx:
        html = template.render(context)
    assert len(ctx.captured_queries) == 0
    assert html.count("Report") == 5


def test_acting_on_the_last_page_lands_on_the_new_last_page(mod_client, article):
    fill_queue(article, 26)
    response = mod_client.get("/moderation/?tab=pending&page=3")
    assert response.status_code == 302
    assert "page=last" in response["Location"]
    assert mod_client.get("/moderation/?page=x").status_code == 400


def test_the_user_page_says_what_a_restricted_user_sees(mod_client, moderator, reader):
    url = reverse("moderation:user", args=[reader.username])
    assert "They see" not in mod_client.get(url).content.decode()
    actions.ban_user(moderator, reader, "Spam run")
    body = mod_client.get(url).content.decode()
    assert "They see: “Your account is banned from posting. Reason: Spam run”" in body


def test_a_nul_byte_in_a_username_is_a_404(mod_client):
    assert mod_client.get("/moderation/users/a%00b/").status_code == 404


def test_the_django_admin_flag_action_uses_the_same_action(client, reader, comment):
    admin = make_user("root", role="admin")
    client.force_login(admin)
    flag = Flag.objects.create(comment=comment, reader=reader, reason="spam")
    response = client.post(
        reverse("admin:moderation_flag_changelist"),
        {"action": "spam_flagged", "_selected_action": [flag.pk]},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.SPAM
    assert LogEntry.objects.get().actor == admin


def test_the_admin_cannot_edit_the_log(client, moderator, comment):
    entry = actions.feature_comment(moderator, comment)
    client.force_login(make_user("root", role="admin"))
    url = reverse("admin:moderation_logentry_change", args=[entry.pk])
    assert client.get(url).status_code == 200  # view only
    client.post(url, {"reason": "rewritten"})
    assert LogEntry.objects.get(pk=entry.pk).reason == ""
    delete = reverse("admin:moderation_logentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_moderators_get_quick_actions_in_the_thread_partial(rf, moderator, article, author):
    pending = make_comment(article, author, "p", status=CommentStatus.PENDING)
    request = rf.get("/articles/x/")
    request.user = moderator
    from django.contrib.auth.context_processors import PermWrapper

    html = Template('{% include "moderation/_comment_actions.html" %}').render(
        Context(
            {
                "comment": pending,
                "user": moderator,
                "perms": PermWrapper(moderator),
                "request": request,
            }
        )
    )
    assert "Approve" in html and "Remove…" in html and "Report" not in html
