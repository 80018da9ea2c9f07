import datetime

import pytest
from django.utils import timezone

from archive.models import CommentPolicy
from comments.models import CommentStatus
from moderation.models import Hold, HoldRule, ModerationSettings
from moderation.rules import count_links, find_word, record_screening, screen_comment

from .world import make_comment, make_user


@pytest.fixture
def veteran(article):
    """A reader past new-account pre-moderation (two approved comments)."""
    user = make_user("veteran")
    old = timezone.now() - datetime.timedelta(days=2)
    make_comment(article, user, "First.", added=old)
    make_comment(article, user, "Second.", added=old)
    return user


def set_rules(**values):
    rules = ModerationSettings.load()
    for name, value in values.items():
        setattr(rules, name, value)
    rules.save()


def test_a_plain_comment_by_a_known_reader_is_published(veteran, article):
    assert screen_comment(veteran, article, "Good news for the quay.").decision == "publish"


def test_banned_words_reject_and_name_the_word(veteran, article):
    set_rules(banned_words="scumbag\nidiot savant")
    screening = screen_comment(veteran, article, "What a SCUMBAG move.")
    assert screening.decision == "reject"
    assert "scumbag" in screening.message


def test_banned_words_match_whole_words_only(veteran, article):
    set_rules(banned_words="ass")
    assert screen_comment(veteran, article, "The class assembled at the pass.").decision == (
        "publish"
    )


def test_word_matching_is_unicode_aware():
    assert find_word(["ДУРАК"], "ты дурак!") == "ДУРАК"
    assert find_word(["straße"], "die STRASSE") == "straße"  # casefold
    assert find_word(["éte"], "détente") is None
    assert find_word(["idiot savant"], "an idiot   savant") == "idiot savant"


def test_suspect_words_hold_for_review_with_the_word(veteran, article):
    set_rules(suspect_words="crypto")
    screening = screen_comment(veteran, article, "Buy crypto now")
    assert screening.decision == "hold"
    assert (HoldRule.SUSPECT_WORD, "crypto") in screening.holds


def test_new_accounts_are_premoderated_until_k_approved(article):
    newcomer = make_user("newcomer")
    screening = screen_comment(newcomer, article, "Hello")
    assert screening.decision == "hold"
    assert screening.holds[0][0] == HoldRule.NEW_ACCOUNT
    make_comment(article, newcomer, "one")
    make_comment(article, newcomer, "two")
    assert screen_comment(newcomer, article, "Hello again").decision == "publish"


def test_moderators_skip_new_account_premoderation(article):
    assert screen_comment(make_user("m", role="moderator"), article, "Hi").decision == "publish"


def test_too_many_links_are_held(veteran, article):
    body = "See https://a.example, <http://b.example> and [c](https://c.example/x)."
    assert count_links(body) == 3
    screening = screen_comment(veteran, article, body)
    assert screening.decision == "hold"
    assert screening.holds[0][0] == HoldRule.TOO_MANY_LINKS
    assert screen_comment(veteran, article, "Only https://a.example").decision == "publish"


def test_the_same_text_again_within_the_window_is_refused(veteran, article):
    make_comment(article, veteran, "Same words")
    screening = screen_comment(veteran, article, "Same words")
    assert screening.decision == "reject"
    assert "10 minutes" in screening.message


def test_the_same_text_after_the_window_is_fine(veteran, article):
    make_comment(article, veteran, "Same", added=timezone.now() - datetime.timedelta(minutes=11))
    assert screen_comment(veteran, article, "Same").decision == "publish"


def test_premoderated_articles_hold(veteran, article):
    article.comment_policy = CommentPolicy.PREMODERATED
    screening = screen_comment(veteran, article, "Hi")
    assert screening.decision == "hold"
    assert screening.reasons == ["pre-moderated article"]


def test_suspended_users_are_refused_with_why_and_until(article):
    screening = screen_comment(make_user("s", role="suspended"), article, "Hi")
    assert screening.decision == "reject"
    assert "suspended" in screening.message and "until" in screening.message
    assert "Repeated personal attacks" in screening.message


def test_banned_users_are_refused(article):
    screening = screen_comment(make_user("b", role="banned"), article, "Hi")
    assert screening.decision == "reject"
    assert "banned" in screening.message


def test_record_screening_stores_one_hold_per_rule(veteran, article):
    set_rules(suspect_words="crypto")
    article.comment_policy = CommentPolicy.PREMODERATED
    screening = screen_comment(veteran, article, "crypto")
    comment = make_comment(article, veteran, "crypto", status=CommentStatus.PENDING)
    record_screening(comment, screening)
    assert list(Hold.objects.values_list("rule", "detail")) == [
        (HoldRule.SUSPECT_WORD, "crypto"),
        (HoldRule.PREMODERATED_ARTICLE, ""),
    ]


def test_record_screening_ignores_published(veteran, article):
    comment = make_comment(article, veteran, "fine")
    assert record_screening(comment, screen_comment(veteran, article, "other")) == []
    assert not Hold.objects.exists()


def test_anonymous_visitors_cannot_post(article):
    from django.contrib.auth.models import AnonymousUser

    assert screen_comment(AnonymousUser(), article, "Hi").decision == "reject"


def test_repeat_detection_ignores_surrounding_whitespace(veteran, article):
    make_comment(article, veteran, "Same words")
    assert screen_comment(veteran, article, "Same words\n").decision == "reject"
