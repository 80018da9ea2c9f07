"""Rebuilding the index, and bulk loads that index once at the end."""

import pytest
from django.core.management import call_command
from django.db import connection

from archive.models import Article
from comments.models import Comment
from search.engine import backend

from .conftest import add_comment


def _forget_index():
    """Empty the index behind the triggers' back, as a broken restore would."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO search_article_fts(search_article_fts) VALUES ('delete-all')"
            )
        else:
            cursor.execute("DELETE FROM search_article_document")


def test_rebuild_restores_a_lost_index(corpus, capsys):
    _forget_index()
    assert not Article.objects.search("ferry").exists()
    call_command("rebuild_search_index")
    assert Article.objects.search("ferry").count() == 2
    assert "Search index rebuilt: 4 articles, 7 comments" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_is_searchable_once_it_ends(make_article):
    article = make_article("Before the load")
    with backend().bulk_load():
        add_comment(article, "A bulk-loaded walrus.", name="Loader")
        if connection.vendor == "sqlite":  # PostgreSQL's triggers index each row regardless
            assert not Comment.objects.search("walrus", None).exists()
    assert Comment.objects.search("walrus", None).count() == 1
    # And the triggers are back: the next write is indexed at once.
    add_comment(article, "A later narwhal.", name="Later")
    assert Comment.objects.search("narwhal", None).count() == 1
