"""Screening of a new comment before it is stored: publish it, hold it for review, or reject
it with a message for its writer. The posting action calls `screen_comment` and obeys it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from archive.models import Article, CommentPolicy

Decision = Literal["publish", "hold", "reject"]


@dataclass(frozen=True)
class Screening:
    decision: Decision
    # Why a comment was held or rejected, one short phrase each ("pre-moderated article").
    reasons: list[str] = field(default_factory=list)
    # What the writer is told when the comment is rejected or held.
    message: str = ""


def screen_comment(user, article: Article, body_source: str, parent=None) -> Screening:
    """Decide what happens to a comment `user` is posting on `article`."""
    if article.comment_policy == CommentPolicy.PREMODERATED:
        return Screening(
            "hold",
            ["pre-moderated article"],
            "Comments on this article are reviewed before they appear.",
        )
    return Screening("publish")
