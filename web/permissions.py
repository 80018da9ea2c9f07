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


def can_moderate(user) -> bool:
    return holds(user, MODERATE)


def require(user, perm: str = MODERATE) -> None:
    """Raise PermissionDenied unless `user` holds `perm` (a moderator by default)."""
    if not holds(user, perm):
        raise PermissionDenied("Only moderators can do this.")
