"""The hook that screens a new comment before it is stored.

Comments sit below moderation: the posting action must not import the moderation app that
builds on it. It asks the screener named by `AGORA_COMMENT_SCREENER` (moderation's rules by
default) what to do: publish the comment, hold it for review, or reject it with a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

Decision = Literal["publish", "hold", "reject"]


@dataclass(frozen=True)
class Screening:
    decision: Decision
    # Why a comment was held or rejected, one short phrase each ("pre-moderated article").
    reasons: list[str] = field(default_factory=list)
    # What the writer is told when the comment is rejected or held.
    message: str = ""
    # The rules behind a hold, as (rule value, detail) pairs, for `Screener.record`.
    holds: list[tuple[str, str]] = field(default_factory=list)


class Screener(Protocol):
    def screen(self, user, article, body_source: str, parent) -> Screening:
        """Decide what happens to a comment `user` is posting on `article`."""

    def record(self, comment, screening: Screening) -> None:
        """Store why a held `comment` was held (called after it is saved as pending)."""


@cache
def _screener(path: str) -> Screener:
    return import_string(path)()


def screener() -> Screener:
    return _screener(settings.AGORA_COMMENT_SCREENER)
