"""Demo content and accounts for `manage.py demo`. The articles are original text written for
this project (demo/articles/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

DEMO_DIR = Path(__file__).resolve().parent / "articles"


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
    from imports.pipeline import import_paths

    summary = import_paths([DEMO_DIR], format="text")
    if summary.failures:
        reasons = "; ".join(f"{f.path}: {f.reason}" for f in summary.failures)
        raise RuntimeError(f"the demo articles did not import: {reasons}")
    return {
        "created": summary.imported,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
    }


DEMO_DISCUSSION_FILE = "01-ferry-returns-mill-quay.txt"
DEMO_COMMENTS = {
    "reader-1": (
        "I took the first crossing this morning. The new timetable finally lines up with the "
        "7:40 train, which is what most of us on the quay asked for at the consultation."
    ),
    "moderator-1": (
        "Thanks for the first-hand report. For everyone joining: please keep replies on the "
        "ferry service itself; the [moderation log](/moderation/log/) lists every removal "
        "with its reason."
    ),
    "reader-2": (
        "Does anyone know whether the winter timetable keeps the late sailing? The notice at "
        "the terminal only covers the summer months."
    ),
}


def ensure_demo_discussion() -> dict[str, str]:
    """A few site comments under the first demo article, written through the same actions
    the site uses, so a newcomer sees every feature: the reader's first comment was held
    (new account) and approved, the moderator replied and featured it, and the reader's
    second comment waits in the queue with its hold reason. Idempotency keys make a second
    run find the same comments and change nothing. Returns {key: status}."""
    from archive.models import Article
    from comments.actions import post_comment
    from comments.models import CommentStatus
    from moderation import actions

    article = Article.objects.filter(provenance__file_name=DEMO_DISCUSSION_FILE).first()
    if article is None:
        return {}
    User = get_user_model()
    reader = User.objects.get(username="reader")
    moderator = User.objects.get(username="moderator")

    first = post_comment(
        reader, article, DEMO_COMMENTS["reader-1"], idempotency_key="demo-reader-1"
    )
    if first.status == CommentStatus.PENDING:
        actions.approve_comment(moderator, first, reason="A first comment, on topic.")
        first.refresh_from_db()
    reply = post_comment(
        moderator, article, DEMO_COMMENTS["moderator-1"], first, idempotency_key="demo-mod-1"
    )
    if not first.is_featured:
        actions.feature_comment(moderator, first, reason="A useful first-hand report.")
    held = post_comment(reader, article, DEMO_COMMENTS["reader-2"], idempotency_key="demo-reader-2")
    return {"reader-1": first.status, "moderator-1": reply.status, "reader-2": held.status}
