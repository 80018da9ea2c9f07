import pytest
from django.core.cache import cache

from moderation.defaults import ensure_defaults

from .world import make_comment, make_user


@pytest.fixture(autouse=True)
def _defaults_and_fresh_rate_limits(db):
    # Browser tests flush the database, data migrations included: put the roles back.
    ensure_defaults()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def moderator(db):
    return make_user("mod", role="moderator")


@pytest.fixture
def reader(db):
    return make_user("reader")


@pytest.fixture
def author(db):
    return make_user("author")


@pytest.fixture
def article(make_article):
    return make_article("Ferry returns")


@pytest.fixture
def comment(article, author):
    return make_comment(article, author, "The ferry is back, **at last**.")


@pytest.fixture
def comment_factory(article, author):
    def make(text="A comment.", **extra):
        extra.setdefault("user", author)
        user = extra.pop("user")
        return make_comment(extra.pop("article", article), user, text, **extra)

    return make
