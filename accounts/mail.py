"""What every notification mail carries: a signed one-click unsubscribe address (RFC 8058)
and a link to the reader's settings.

The token is the user's id signed with the site's secret key under a salt of its own, so it
is checked without looking anything up, cannot be made for another reader, and is useless for
anything but turning that reader's mail off. It does not expire: a mail read a year later
must still unsubscribe."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from web.reversing import absolute_url

UNSUBSCRIBE_SALT = "agora.accounts.unsubscribe"


def unsubscribe_token(user) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def user_id_from_unsubscribe_token(token: str) -> int | None:
    """The user id a token was made for, or None when it was not made here."""
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def unsubscribe_url(user) -> str:
    return absolute_url(reverse("accounts:unsubscribe", args=[unsubscribe_token(user)]))


def settings_url() -> str:
    return absolute_url(reverse("accounts:settings"))


def notification_headers(user) -> dict[str, str]:
    """The headers that let a mail client offer "Unsubscribe" and do it with one POST."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def notification_footer(user, reason: str) -> str:
    """The end of every notification mail's body: why it came and how to stop it."""
    return (
        f"You get this because {reason}.\n"
        f"Change what we send you: {settings_url()}\n"
        f"Stop all notification mail with one click: {unsubscribe_url(user)}\n"
    )
