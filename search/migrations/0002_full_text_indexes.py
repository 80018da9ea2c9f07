"""The full-text indexes and the triggers that keep them in step, for the database in use:
FTS5 external-content tables on SQLite, weighted tsvector side tables with GIN indexes on
PostgreSQL. Existing rows are indexed on the way."""

from django.db import migrations

from search.sql import ARTICLE_VECTOR, COMMENT_VECTOR, SQLITE_INSERT_TRIGGERS

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_article_fts USING fts5(
        title, kicker, dek, body_text,
        content='archive_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    # bm25 weights: title 10, kicker and dek 4, body 1. Stored in the table's config, so the
    # hidden `rank` column ranks with them.
    "INSERT INTO search_article_fts(search_article_fts, rank) "
    "VALUES ('rank', 'bm25(10.0, 4.0, 4.0, 1.0)')",
    SQLITE_INSERT_TRIGGERS["search_article_ai"],
    """CREATE TRIGGER search_article_ad AFTER DELETE ON archive_article BEGIN
        INSERT INTO search_article_fts(search_article_fts, rowid, title, kicker, dek, body_text)
        VALUES ('delete', old.id, old.title, old.kicker, old.dek, old.body_text);
    END""",
    """CREATE TRIGGER search_article_au AFTER UPDATE OF title, kicker, dek, body_text
        ON archive_article BEGIN
        INSERT INTO search_article_fts(search_article_fts, rowid, title, kicker, dek, body_text)
        VALUES ('delete', old.id, old.title, old.kicker, old.dek, old.body_text);
        INSERT INTO search_article_fts(rowid, title, kicker, dek, body_text)
        VALUES (new.id, new.title, new.kicker, new.dek, new.body_text);
    END""",
    """CREATE VIRTUAL TABLE search_comment_fts USING fts5(
        body_source,
        content='comments_comment', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    SQLITE_INSERT_TRIGGERS["search_comment_ai"],
    """CREATE TRIGGER search_comment_ad AFTER DELETE ON comments_comment BEGIN
        INSERT INTO search_comment_fts(search_comment_fts, rowid, body_source)
        VALUES ('delete', old.id, old.body_source);
    END""",
    """CREATE TRIGGER search_comment_au AFTER UPDATE OF body_source ON comments_comment BEGIN
        INSERT INTO search_comment_fts(search_comment_fts, rowid, body_source)
        VALUES ('delete', old.id, old.body_source);
        INSERT INTO search_comment_fts(rowid, body_source) VALUES (new.id, new.body_source);
    END""",
    "INSERT INTO search_article_fts(search_article_fts) VALUES ('rebuild')",
    "INSERT INTO search_comment_fts(search_comment_fts) VALUES ('rebuild')",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_article_ai",
    "DROP TRIGGER IF EXISTS search_article_ad",
    "DROP TRIGGER IF EXISTS search_article_au",
    "DROP TRIGGER IF EXISTS search_comment_ai",
    "DROP TRIGGER IF EXISTS search_comment_ad",
    "DROP TRIGGER IF EXISTS search_comment_au",
    "DROP TABLE IF EXISTS search_article_fts",
    "DROP TABLE IF EXISTS search_comment_fts",
]

POSTGRES_FORWARD = [
    """CREATE TABLE search_article_document (
        article_id bigint PRIMARY KEY,
        document tsvector NOT NULL)""",
    "CREATE INDEX search_article_document_gin ON search_article_document USING gin (document)",
    f"""CREATE FUNCTION search_article_document_refresh() RETURNS trigger AS $$
    BEGIN
        INSERT INTO search_article_document (article_id, document)
        VALUES (NEW.id, {ARTICLE_VECTOR.format(p="NEW.")})
        ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER search_article_document_ai AFTER INSERT ON archive_article
        FOR EACH ROW EXECUTE FUNCTION search_article_document_refresh()""",
    """CREATE TRIGGER search_article_document_au
        AFTER UPDATE OF title, kicker, dek, body_text ON archive_article
        FOR EACH ROW EXECUTE FUNCTION search_article_document_refresh()""",
    # No foreign key: the test runner's TRUNCATE of archive_article must not be refused; a
    # delete trigger drops the document instead, and searches join on live rows only.
    """CREATE FUNCTION search_article_document_drop() RETURNS trigger AS $$
    BEGIN
        DELETE FROM search_article_document WHERE article_id = OLD.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER search_article_document_ad AFTER DELETE ON archive_article
        FOR EACH ROW EXECUTE FUNCTION search_article_document_drop()""",
    """CREATE TABLE search_comment_document (
        comment_id bigint PRIMARY KEY,
        document tsvector NOT NULL)""",
    "CREATE INDEX search_comment_document_gin ON search_comment_document USING gin (document)",
    f"""CREATE FUNCTION search_comment_document_refresh() RETURNS trigger AS $$
    BEGIN
        INSERT INTO search_comment_document (comment_id, document)
        VALUES (NEW.id, {COMMENT_VECTOR.format(p="NEW.")})
        ON CONFLICT (comment_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER search_comment_document_ai AFTER INSERT ON comments_comment
        FOR EACH ROW EXECUTE FUNCTION search_comment_document_refresh()""",
    """CREATE TRIGGER search_comment_document_au AFTER UPDATE OF body_source ON comments_comment
        FOR EACH ROW EXECUTE FUNCTION search_comment_document_refresh()""",
    """CREATE FUNCTION search_comment_document_drop() RETURNS trigger AS $$
    BEGIN
        DELETE FROM search_comment_document WHERE comment_id = OLD.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER search_comment_document_ad AFTER DELETE ON comments_comment
        FOR EACH ROW EXECUTE FUNCTION search_comment_document_drop()""",
    "INSERT INTO search_article_document (article_id, document) "
    f"SELECT id, {ARTICLE_VECTOR.format(p='')} FROM archive_article",
    "INSERT INTO search_comment_document (comment_id, document) "
    f"SELECT id, {COMMENT_VECTOR.format(p='')} FROM comments_comment",
]

POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS search_article_document",
    "DROP TABLE IF EXISTS search_comment_document",
    "DROP TRIGGER IF EXISTS search_article_document_ai ON archive_article",
    "DROP TRIGGER IF EXISTS search_article_document_au ON archive_article",
    "DROP TRIGGER IF EXISTS search_article_document_ad ON archive_article",
    "DROP TRIGGER IF EXISTS search_comment_document_ad ON comments_comment",
    "DROP TRIGGER IF EXISTS search_comment_document_ai ON comments_comment",
    "DROP TRIGGER IF EXISTS search_comment_document_au ON comments_comment",
    "DROP FUNCTION IF EXISTS search_article_document_refresh()",
    "DROP FUNCTION IF EXISTS search_comment_document_refresh()",
    "DROP FUNCTION IF EXISTS search_article_document_drop()",
    "DROP FUNCTION IF EXISTS search_comment_document_drop()",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_indexes_seen_by_the_orm"),
        ("archive", "0001_initial"),
        ("comments", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
