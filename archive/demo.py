"""Demo content and accounts for `manage.py demo`. The articles are original text written for
this project (archive/demo/articles/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

DEMO_DIR = Path(__file__).resolve().parent / "demo" / "articles"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    display_name: str
    group: str


DEMO_ACCOUNTS = [
    DemoAccount("reader", "reader", "reader-demo-pass", "Rosa Reader", "Readers"),
    DemoAccount("moderator", "moderator", "moderator-demo-pass", "Milo Moderator", "Moderators"),
    DemoAccount("admin", "admin", "admin-demo-pass", "Ada Admin", "Admins"),
]


def ensure_demo_accounts() -> None:
    """One account per role, in the role's group; the admin is also staff and superuser."""
    from accounts.models import profile_for
    from moderation.defaults import ensure_defaults

    ensure_defaults()
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={"email": f"{account.username}@example.org"},
        )
        if created:
            user.set_password(account.password)
        if account.role == "admin":
            user.is_staff = user.is_superuser = True
        user.save()
        user.groups.add(Group.objects.get(name=account.group))
        profile = profile_for(user)
        if not profile.display_name:
            profile.display_name = account.display_name
            profile.save(update_fields=["display_name"])


def load_demo_content() -> dict[str, int]:
    """Import the demo articles (with their discussions) through the real import pipeline;
    running it again finds them unchanged."""
    from .importing import import_paths

    summary = import_paths([DEMO_DIR], format="text")
    if summary.failures:
        reasons = "; ".join(f"{f.path}: {f.reason}" for f in summary.failures)
        raise RuntimeError(f"the demo articles did not import: {reasons}")
    return {
        "created": summary.imported,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
    }
