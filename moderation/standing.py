"""A user's current standing, derived from their StandingChange history."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format

from .models import StandingChange, StandingKind


@dataclass(frozen=True)
class Standing:
    state: str  # "good", "warned", "suspended" or "banned"
    reason: str = ""
    until: datetime.datetime | None = None

    @property
    def can_post(self) -> bool:
        return self.state not in ("suspended", "banned")

    @property
    def label(self) -> str:
        if self.state == "suspended" and self.until:
            return f"Suspended until {date_format(timezone.localtime(self.until), 'j F Y H:i')}"
        return {"good": "In good standing", "warned": "Warned", "banned": "Banned"}.get(
            self.state, self.state.title()
        )


GOOD = Standing("good")


def _standing_from(changes: Iterable[StandingChange], now: datetime.datetime) -> Standing:
    """Replay a user's changes in order: the last restriction still in force wins."""
    standing = GOOD
    for change in changes:
        if change.kind == StandingKind.RESTORE:
            standing = GOOD
        elif change.kind == StandingKind.BAN:
            standing = Standing("banned", change.reason, change.until)
        elif change.kind == StandingKind.SUSPEND:
            standing = Standing("suspended", change.reason, change.until)
        elif change.kind == StandingKind.WARN and standing.state in ("good", "warned"):
            standing = Standing("warned", change.reason)
    if standing.state in ("suspended", "banned") and standing.until and standing.until <= now:
        return GOOD
    return standing


def standing_of(user) -> Standing:
    if user is None or not user.is_authenticated:
        return GOOD
    changes = StandingChange.objects.filter(user=user).order_by("created", "id")
    return _standing_from(changes, timezone.now())


def standings_for(user_ids: Iterable[int]) -> dict[int, Standing]:
    """Standings of many users in one query (for a page of the queue)."""
    ids = {pk for pk in user_ids if pk}
    by_user: dict[int, list[StandingChange]] = {pk: [] for pk in ids}
    for change in StandingChange.objects.filter(user_id__in=ids).order_by("created", "id"):
        by_user[change.user_id].append(change)
    now = timezone.now()
    return {pk: _standing_from(changes, now) for pk, changes in by_user.items()}


def posting_block_for(user) -> str | None:
    """The message a suspended or banned user sees instead of the comment form, else None."""
    standing = standing_of(user)
    if standing.state == "banned":
        message = "Your account is banned from posting"
        if standing.until:
            message += f" until {date_format(timezone.localtime(standing.until), 'j F Y, H:i T')}"
        return f"{message}. Reason: {standing.reason}"
    if standing.state == "suspended":
        until = (
            f" until {date_format(timezone.localtime(standing.until), 'j F Y, H:i T')}"
            if standing.until
            else ""
        )
        return f"Your account is suspended from posting{until}. Reason: {standing.reason}"
    return None
