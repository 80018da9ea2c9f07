"""PostgreSQL: beside each article's document, its head (title, kicker and dek), GIN-indexed.

The title tiers (engine.articles_by_relevance) and `title:` searches asked the document for
words weighted A: its GIN index holds no weights, so every article with the word anywhere was
read back, its whole document decompressed, to check where the word was (50–80 ms for a
common word on 50,000 articles; the planner often preferred scanning them all). The head is a
few dozen lexemes, and its own index finds exactly the title and head matches. SQLite is
unchanged (FTS5 filters columns in the index)."""

import django.contrib.postgres.search
from django.db import migrations

from search.sql import ARTICLE_HEAD_VECTOR, ARTICLE_VECTOR, on_postgresql


def refresh_function(with_head: bool) -> str:
    columns = "article_id, document, head" if with_head else "article_id, document"
    values = f"NEW.id, {ARTICLE_VECTOR.format(p='NEW.')}"
    update = "document = EXCLUDED.document"
    if with_head:
        values += f", {ARTICLE_HEAD_VECTOR.format(p='NEW.')}"
        update += ", head = EXCLUDED.head"
    return f"""CREATE OR REPLACE FUNCTION search_article_document_refresh() RETURNS trigger AS $$
    BEGIN
        INSERT INTO search_article_document ({columns})
        VALUES ({values})
        ON CONFLICT (article_id) DO UPDATE SET {update};
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""


FORWARD = [
    "ALTER TABLE search_article_document ADD COLUMN head tsvector",
    refresh_function(with_head=True),
    f"UPDATE search_article_document d SET head = {ARTICLE_HEAD_VECTOR.format(p='a.')} "
    "FROM archive_article a WHERE a.id = d.article_id",
    "CREATE INDEX search_article_head_gin ON search_article_document USING gin (head)",
]
BACKWARD = [
    refresh_function(with_head=False),
    "DROP INDEX IF EXISTS search_article_head_gin",
    "ALTER TABLE search_article_document DROP COLUMN IF EXISTS head",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_prefix_indexes")]

    operations = [
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
        # The model is unmanaged: this only tells the ORM the column exists.
        migrations.AddField(
            model_name="articledocument",
            name="head",
            field=django.contrib.postgres.search.SearchVectorField(null=True),
        ),
    ]
