"""PostgreSQL: each article's head (title, kicker and dek) moves from a column of its document
row into a narrow table of its own, still GIN-indexed.

Weighted words (`'word':A`) are rechecked row by row after the GIN index, and beside the
documents every head sat in rows of 700 bytes on average: the title tier of a common word
read 2,300 pages of them (20–40 ms on 50,000 articles), and the planner often scanned them
all. The head table is 14 MB for the same articles; the same tier reads it in 4 ms. SQLite is
unchanged (FTS5 filters columns in the index)."""

import django.contrib.postgres.search
from django.db import migrations, models

from search.sql import ARTICLE_HEAD_VECTOR, ARTICLE_VECTOR, on_postgresql

REFRESH_BOTH = f"""CREATE OR REPLACE FUNCTION search_article_document_refresh() RETURNS trigger AS $$
    BEGIN
        INSERT INTO search_article_document (article_id, document)
        VALUES (NEW.id, {ARTICLE_VECTOR.format(p="NEW.")})
        ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
        INSERT INTO search_article_head (article_id, head)
        VALUES (NEW.id, {ARTICLE_HEAD_VECTOR.format(p="NEW.")})
        ON CONFLICT (article_id) DO UPDATE SET head = EXCLUDED.head;
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""

DROP_BOTH = """CREATE OR REPLACE FUNCTION search_article_document_drop() RETURNS trigger AS $$
    BEGIN
        DELETE FROM search_article_document WHERE article_id = OLD.id;
        DELETE FROM search_article_head WHERE article_id = OLD.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""

# As migrations 0002 and 0004 left them.
REFRESH_WITH_COLUMN = f"""CREATE OR REPLACE FUNCTION search_article_document_refresh()
    RETURNS trigger AS $$
    BEGIN
        INSERT INTO search_article_document (article_id, document, head)
        VALUES (NEW.id, {ARTICLE_VECTOR.format(p="NEW.")}, {ARTICLE_HEAD_VECTOR.format(p="NEW.")})
        ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document, head = EXCLUDED.head;
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""

DROP_DOCUMENT = """CREATE OR REPLACE FUNCTION search_article_document_drop() RETURNS trigger AS $$
    BEGIN
        DELETE FROM search_article_document WHERE article_id = OLD.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""

FORWARD = [
    # No foreign key, as for the documents: a delete trigger drops the head.
    """CREATE TABLE search_article_head (
        article_id bigint PRIMARY KEY,
        head tsvector NOT NULL)""",
    "INSERT INTO search_article_head (article_id, head) "
    f"SELECT id, {ARTICLE_HEAD_VECTOR.format(p='')} FROM archive_article",
    "DROP INDEX IF EXISTS search_article_head_gin",
    "CREATE INDEX search_article_head_gin ON search_article_head USING gin (head)",
    REFRESH_BOTH,
    DROP_BOTH,
    "ALTER TABLE search_article_document DROP COLUMN IF EXISTS head",
]
BACKWARD = [
    "ALTER TABLE search_article_document ADD COLUMN head tsvector",
    REFRESH_WITH_COLUMN,
    DROP_DOCUMENT,
    "UPDATE search_article_document d SET head = h.head FROM search_article_head h "
    "WHERE h.article_id = d.article_id",
    "DROP TABLE IF EXISTS search_article_head",
    "CREATE INDEX search_article_head_gin ON search_article_document USING gin (head)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0004_article_head")]

    operations = [
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
        # The models are unmanaged: these only tell the ORM where the head is now.
        migrations.RemoveField(model_name="articledocument", name="head"),
        migrations.CreateModel(
            name="ArticleHead",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_head",
                        serialize=False,
                        to="archive.article",
                    ),
                ),
                ("head", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={"db_table": "search_article_head", "managed": False},
        ),
    ]
