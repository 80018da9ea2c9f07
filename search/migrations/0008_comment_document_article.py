"""PostgreSQL: each comment's document names the comment's article (indexed), so that a
reader's count of the comments with some words under a source's or an author's articles
reads the documents alone.

`source:x word` counted the comments under that source's 2,500 articles that have a common
word by joining each of the word's matches to its comment (92 ms on 500,000 comments); the
documents' own article column lets PostgreSQL intersect the word's GIN entries with those
articles' documents instead. The refresh trigger keeps the column in step with the comment,
as it keeps the published flag."""

from django.db import migrations, models

from search.sql import COMMENT_VECTOR, on_postgresql

REFRESH_WITH_ARTICLE = f"""CREATE OR REPLACE FUNCTION search_comment_document_refresh()
    RETURNS trigger AS $$
    BEGIN
        INSERT INTO search_comment_document (comment_id, document, published, article_id)
        VALUES (
            NEW.id, {COMMENT_VECTOR.format(p="NEW.")}, NEW.status = 'published', NEW.article_id
        )
        ON CONFLICT (comment_id) DO UPDATE
            SET document = EXCLUDED.document, published = EXCLUDED.published,
                article_id = EXCLUDED.article_id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""

# As migration 0006 left it.
REFRESH_WITH_FLAG = f"""CREATE OR REPLACE FUNCTION search_comment_document_refresh()
    RETURNS trigger AS $$
    BEGIN
        INSERT INTO search_comment_document (comment_id, document, published)
        VALUES (NEW.id, {COMMENT_VECTOR.format(p="NEW.")}, NEW.status = 'published')
        ON CONFLICT (comment_id) DO UPDATE
            SET document = EXCLUDED.document, published = EXCLUDED.published;
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""

FORWARD = [
    "ALTER TABLE search_comment_document ADD COLUMN article_id integer",
    "UPDATE search_comment_document d SET article_id = c.article_id FROM comments_comment c "
    "WHERE c.id = d.comment_id",
    "CREATE INDEX search_comment_document_article ON search_comment_document (article_id)",
    REFRESH_WITH_ARTICLE,
    # A comment moved to another article (an admin's queryset update) moves its document.
    "DROP TRIGGER IF EXISTS search_comment_document_au ON comments_comment",
    """CREATE TRIGGER search_comment_document_au
        AFTER UPDATE OF body_source, article_id ON comments_comment
        FOR EACH ROW EXECUTE FUNCTION search_comment_document_refresh()""",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS search_comment_document_au ON comments_comment",
    """CREATE TRIGGER search_comment_document_au AFTER UPDATE OF body_source ON comments_comment
        FOR EACH ROW EXECUTE FUNCTION search_comment_document_refresh()""",
    REFRESH_WITH_FLAG,
    "ALTER TABLE search_comment_document DROP COLUMN IF EXISTS article_id",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0007_deferred_comment_indexing")]

    operations = [
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
        # The model is unmanaged: this only tells the ORM the column exists.
        migrations.AddField(
            model_name="commentdocument",
            name="article_id",
            field=models.IntegerField(null=True),
        ),
    ]
