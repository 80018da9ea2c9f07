"""Demo content and accounts for `manage.py demo`. The articles are original text written for
this project (archive/demo/articles/)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Article, Author, DatePrecision, Source
from .sanitize import paragraphs_to_html

DEMO_DIR = Path(__file__).resolve().parent / "demo" / "articles"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str


DEMO_ACCOUNTS = [
    DemoAccount("reader", "reader", "reader-demo-pass"),
    DemoAccount("moderator", "moderator", "moderator-demo-pass"),
    DemoAccount("admin", "admin", "admin-demo-pass"),
]


def ensure_demo_accounts() -> None:
    User = get_user_model()
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(Permission.objects.get(codename="moderate"))
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={"email": f"{account.username}@example.org"},
        )
        if created:
            user.set_password(account.password)
        if account.role == "moderator":
            user.groups.add(moderators)
        if account.role == "admin":
            user.is_staff = user.is_superuser = True
        user.save()


def _read_header(text: str) -> tuple[dict[str, str], list[str]]:
    head, _, body = text.partition("\n---\n")
    fields = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    # Reader comments (bullet lines) start the discussion; the body stops before them.
    paragraphs = []
    for block in body.split("\n\n"):
        if block.lstrip().startswith("•"):
            break
        if block.strip():
            paragraphs.append(block.strip())
    return fields, paragraphs


def _parse_published(value: str) -> tuple[datetime.date | None, str]:
    if not value:
        return None, DatePrecision.DAY
    parts = value.split("-")
    if len(parts) == 1:
        return datetime.date(int(parts[0]), 1, 1), DatePrecision.YEAR
    if len(parts) == 2:
        return datetime.date(int(parts[0]), int(parts[1]), 1), DatePrecision.MONTH
    return datetime.date.fromisoformat(value), DatePrecision.DAY


@transaction.atomic
def load_demo_content() -> dict[str, int]:
    created = unchanged = 0
    for path in sorted(DEMO_DIR.glob("*.txt")):
        fields, paragraphs = _read_header(path.read_text(encoding="utf-8"))
        if Article.objects.filter(url=fields.get("url", "") or "-").exists() or (
            not fields.get("url") and Article.objects.filter(title=fields["title"]).exists()
        ):
            unchanged += 1
            continue
        source = Source.objects.matching(fields["source"], fields.get("source-url", ""))
        if source is None:
            source = Source.objects.create(
                name=fields["source"], homepage=fields.get("source-url", "")
            )
        published, precision = _parse_published(fields.get("published", ""))
        article = Article(
            source=source,
            title=fields["title"],
            kicker=fields.get("kicker", ""),
            dek=fields.get("dek", ""),
            url=fields.get("url", ""),
            published=published,
            published_precision=precision,
        )
        article.set_body(paragraphs_to_html(paragraphs))
        article.save()
        names = fields.get("author", "").replace(" and ", ", ").split(",")
        for name in filter(None, (n.strip() for n in names)):
            author = Author.objects.filter(name=name).first() or Author.objects.create(name=name)
            article.authors.add(author)
        created += 1
    return {"created": created, "unchanged": unchanged}
