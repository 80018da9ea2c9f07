"""Who may do what: the one place that answers "is this user a moderator?".

Every view, action, template and query asks here, so an inactive account or an anonymous
visitor is treated the same everywhere.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

MODERATE = "comments.moderate"


def holds(user, perm: str) -> bool:
    """True when `user` is a signed-in, active account holding `perm`."""
    return bool(user is not None and user.is_authenticated and user.is_active) and user.has_perm(
        perm
    )


def can_moderate(user, *, holds_moderate: bool | None = None) -> bool:
    """Whether `user` moderates. `holds_moderate`: whether the account holds comments.moderate
    (directly or through a group), when a query has read it already (the article page reads
    it with the article): it spares has_perm()'s two permission queries."""
    if holds_moderate is None:
        return holds(user, MODERATE)
    signed_in = user is not None and user.is_authenticated and user.is_active
    return bool(signed_in and (user.is_superuser or holds_moderate))


def require(user, perm: str = MODERATE) -> None:
    """Raise PermissionDenied unless `user` holds `perm` (a moderator by default)."""
    if not holds(user, perm):
        raise PermissionDenied("Only moderators can do this.")
