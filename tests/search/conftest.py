"""A small hand-made corpus where every operator and field has a known answer."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from accounts.models import Profile
from comments.models import Comment, CommentStatus


def when(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=12, tzinfo=datetime.UTC)


@dataclass
class Corpus:
    articles: dict
    comments: dict
    reader: User
    moderator: User


def add_comment(article, body, *, user=None, name="", status="published", parent=None, **extra):
    return Comment.objects.create(
        article=article,
        parent=parent,
        depth=(parent.depth + 1) if parent else 0,
        user=user,
        archived_author_name=name,
        is_archived=bool(name),
        body_source=body,
        body_html=f"<p>{body}</p>",
        status=status,
        created=extra.pop("created", timezone.now()),
        **extra,
    )


@pytest.fixture
def corpus(make_source, make_author, make_article) -> Corpus:
    courier = make_source("The Harbourside Courier")
    ledger = make_source("The Riverside Ledger")
    mara = make_author("Mara Ellison")
    tom = make_author("Tom Okafor")
    articles = {
        "ferry": make_article(
            "The ferry returns to Mill Quay",
            source=courier,
            authors=(mara,),
            kicker="Transport",
            dek="After two winters in dry dock, the river boat is back.",
            published=datetime.date(2025, 3, 14),
            paragraphs=(
                "The ferry crossed the river at seven on Monday morning, with a quieter "
                "engine and a new timetable pinned to the waiting-room door.",
                "Regular passengers said the crossing felt shorter than before.",
            ),
        ),
        "budget": make_article(
            "Budget talks stall over library funding",
            source=ledger,
            authors=(tom,),
            published=datetime.date(2024, 4, 1),
            paragraphs=("Councillors could not agree on the budget for opening hours.",),
        ),
        "library": make_article(
            "Library reopens after renovation",
            source=courier,
            authors=(tom,),
            published=datetime.date(2024, 9, 2),
            paragraphs=(
                "Readers queued before the doors opened on the new reading room.",
                "A C++ workshop for teenagers starts in May, run by O'Reilly volunteers.",
            ),
        ),
        "heat": make_article(
            "Heat pumps in terraced houses",
            source=ledger,
            authors=(mara, tom),
            kicker="Energy",
            dek="Installers say the timetable for grants is too short.",
            published=datetime.date(2023, 11, 20),
            paragraphs=("Unlike the ferry, the pumps run all winter without a pause.",),
        ),
    }
    maria = User.objects.create(username="maria")
    Profile.objects.update_or_create(user=maria, defaults={"display_name": "Maria Quinn"})
    bob = User.objects.create(username="bob")
    moderator = User.objects.create(username="mod")
    moderator.user_permissions.add(Permission.objects.get(codename="moderate"))
    a = articles
    c1 = add_comment(
        a["ferry"],
        "The new ferry engine is much quieter than the old one.",
        user=maria,
        created=when("2025-03-15"),
    )
    comments = {
        "engine": c1,
        "reply": add_comment(
            a["ferry"],
            "Quieter, yes, but the timetable is worse.",
            name="Old Sailor",
            parent=c1,
            created=when("2025-03-16"),
        ),
        "pending": add_comment(
            a["ferry"],
            "Pending ferry complaint about fares.",
            user=bob,
            status=CommentStatus.PENDING,
            created=when("2025-03-17"),
        ),
        "removed": add_comment(
            a["budget"],
            "Removed ferry rant.",
            user=bob,
            status=CommentStatus.REMOVED,
            created=when("2024-04-02"),
        ),
        "spam": add_comment(
            a["budget"],
            "Buy cheap ferry tickets now.",
            name="Spammer",
            status=CommentStatus.SPAM,
            created=when("2024-04-03"),
        ),
        "deleted": add_comment(
            a["library"],
            "Deleted ferry note.",
            user=bob,
            status=CommentStatus.DELETED,
            created=when("2024-09-03"),
        ),
        "lovely": add_comment(
            a["library"],
            "The library's reading room is lovely; even the ferry posters are back.",
            user=bob,
            is_featured=True,
            created=when("2024-09-04"),
        ),
    }
    reader = User.objects.create(username="reader")
    return Corpus(articles, comments, reader, moderator)


@pytest.fixture(autouse=True)
def generous_search_limit(settings):
    """Each test starts with a fresh count and a limit no test reaches by accident."""
    from django.core.cache import cache

    cache.clear()
    settings.AGORA_RATE_LIMITS = {**settings.AGORA_RATE_LIMITS, "search": (100_000, 60)}
