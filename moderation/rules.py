"""Screening of a new comment before it is stored: publish it, hold it for review, or reject
it with a message for its writer. The posting action calls `screen_comment` and obeys it; when
it stores a held comment it calls `record_screening` so the queue can say why."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from archive.models import Article, CommentPolicy
from comments.models import Comment, CommentStatus
from comments.screening import Screening
from web.permissions import can_moderate

from .models import Hold, HoldRule, ModerationSettings
from .standing import posting_block_for

# http(s) addresses in Markdown source: bare, autolinked <...> or [text](...).
LINK_RE = re.compile(r"https?://[^\s<>()\[\]]+", re.IGNORECASE)


def find_word(words: list[str], text: str) -> str | None:
    """The first of `words` that occurs in `text` as a whole word (or phrase), ignoring case;
    Unicode-aware: word boundaries come from `\\w`, which covers every script."""
    folded = text.casefold()
    for word in words:
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, word.casefold().split())) + r"(?!\w)"
        if re.search(pattern, folded):
            return word
    return None


def count_links(body_source: str) -> int:
    return len(LINK_RE.findall(body_source))


def screen_comment(user, article: Article, body_source: str, parent=None) -> Screening:
    """Decide what happens to a comment `user` is posting on `article`."""
    if user is None or not user.is_authenticated:
        return Screening("reject", ["not signed in"], "Log in to take part in the discussion.")
    block = posting_block_for(user)
    if block:
        return Screening("reject", ["account restricted"], block)

    rules = ModerationSettings.load()
    banned = find_word(rules.word_list(rules.banned_words), body_source)
    if banned:
        return Screening(
            "reject",
            [f"banned word: {banned}"],
            f"Your comment uses “{banned}”, which this site does not allow. "
            "Please rephrase it and post again.",
        )

    since = timezone.now() - datetime.timedelta(minutes=rules.repeat_window_minutes)
    if (
        Comment.objects.filter(user=user, added__gte=since)
        .filter(body_source__in={body_source, body_source.strip()})
        .exclude(status=CommentStatus.DELETED)
        .exists()
    ):
        return Screening(
            "reject",
            ["repeat post"],
            f"You posted this same text less than {rules.repeat_window_minutes} minutes ago.",
        )

    holds: list[tuple[str, str]] = []
    is_moderator = can_moderate(user)
    suspect = find_word(rules.word_list(rules.suspect_words), body_source)
    if suspect:
        holds.append((HoldRule.SUSPECT_WORD, suspect))
    links = count_links(body_source)
    if links > rules.max_links:
        holds.append((HoldRule.TOO_MANY_LINKS, f"{links} links (more than {rules.max_links})"))
    if not is_moderator and rules.new_account_approvals:
        approved = Comment.objects.filter(user=user, status=CommentStatus.PUBLISHED).count()
        if approved < rules.new_account_approvals:
            holds.append(
                (
                    HoldRule.NEW_ACCOUNT,
                    f"{approved} of {rules.new_account_approvals} comments approved so far",
                )
            )
    if article.comment_policy == CommentPolicy.PREMODERATED:
        holds.append((HoldRule.PREMODERATED_ARTICLE, ""))
    if holds:
        labels = dict(HoldRule.choices)
        reasons = [
            f"{labels[rule].lower()}: {detail}" if detail else labels[rule].lower()
            for rule, detail in holds
        ]
        return Screening(
            "hold",
            reasons,
            "Your comment was received and will appear once a moderator has reviewed it.",
            holds,
        )
    return Screening("publish")


def record_screening(comment, screening: Screening) -> list[Hold]:
    """Store why `comment` was held (called by the posting code after saving it as pending)."""
    if screening.decision != "hold":
        return []
    pairs = screening.holds or [(HoldRule.PREMODERATED_ARTICLE, r) for r in screening.reasons]
    return Hold.objects.bulk_create(
        [Hold(comment=comment, rule=rule, detail=detail[:300]) for rule, detail in pairs]
    )


class RuleScreener:
    """The comment screener of `comments.screening`: this site's moderation rules. The
    functions are looked up at call time, so a test or a plug-in can replace them."""

    def screen(self, user, article, body_source: str, parent=None) -> Screening:
        return screen_comment(user, article, body_source, parent)

    def record(self, comment, screening: Screening) -> None:
        record_screening(comment, screening)
