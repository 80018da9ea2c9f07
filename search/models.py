"""The full-text indexes, seen by the ORM as unmanaged models so that a search is an ordinary,
chainable queryset (a join on the article's or comment's id).

The tables are created by migration 0002 for the database in use only: FTS5 virtual tables on
SQLite, tsvector side tables with GIN indexes on PostgreSQL. Triggers keep them in step with
every insert, update and delete, whoever makes it (views, imports, the admin, raw SQL)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from archive.models import Article
from comments.models import Comment


class ArticleFts(models.Model):
    """SQLite: the FTS5 external-content table over archive_article (title, kicker, dek,
    body_text). `match` is FTS5's hidden column named after the table: `match = expr` is a
    full-text MATCH; `rank` is bm25 with the column weights set in the migration."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_fts",
    )
    match = models.TextField(db_column="search_article_fts")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "search_article_fts"

    def __str__(self) -> str:
        return f"search index of article {self.pk}"


class CommentFts(models.Model):
    """SQLite: the FTS5 external-content table over comments_comment (body_source)."""

    comment = models.OneToOneField(
        Comment,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_fts",
    )
    match = models.TextField(db_column="search_comment_fts")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "search_comment_fts"

    def __str__(self) -> str:
        return f"search index of comment {self.pk}"


class ArticleDocument(models.Model):
    """PostgreSQL: one weighted tsvector per article (title A, kicker and dek B, body C)."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_document",
    )
    document = SearchVectorField()

    class Meta:
        managed = False
        db_table = "search_article_document"

    def __str__(self) -> str:
        return f"search index of article {self.pk}"


class ArticleHead(models.Model):
    """PostgreSQL: the head of each article alone (title A, kicker and dek B), for the title
    tiers and `title:` searches. A narrow table of its own (migration 0005): beside the
    documents, the rows a title search rechecks were spread over five times the pages."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_head",
    )
    head = SearchVectorField()

    class Meta:
        managed = False
        db_table = "search_article_head"

    def __str__(self) -> str:
        return f"search head of article {self.pk}"


class CommentDocument(models.Model):
    """PostgreSQL: one tsvector per comment (its Markdown source), whether the comment is
    published and its article (kept by triggers), so that readers' counts, under a source or
    an author too, read this table alone."""

    comment = models.OneToOneField(
        Comment,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_document",
    )
    document = SearchVectorField()
    published = models.BooleanField(default=False)
    article_id = models.IntegerField(null=True)  # the comment's (migration 0008)

    class Meta:
        managed = False
        db_table = "search_comment_document"

    def __str__(self) -> str:
        return f"search index of comment {self.pk}"
