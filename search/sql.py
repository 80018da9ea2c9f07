"""SQL shared by the migrations, the rebuild command and bulk loads. Migration 0002 uses these
as they stand: change them only together with a new migration."""

ARTICLE_VECTOR = (
    "setweight(to_tsvector('english', coalesce({p}title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce({p}kicker, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce({p}dek, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce({p}body_text, '')), 'C')"
)
COMMENT_VECTOR = "to_tsvector('english', coalesce({p}body_source, ''))"
# The title, kicker and dek alone, weighted as in ARTICLE_VECTOR (migration 0004): small enough
# to be stored inline, so the title tiers check it without reading the whole document.
ARTICLE_HEAD_VECTOR = (
    "setweight(to_tsvector('english', coalesce({p}title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce({p}kicker, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce({p}dek, '')), 'B')"
)

# SQLite's insert triggers, dropped and recreated around a bulk load.
SQLITE_INSERT_TRIGGERS = {
    "search_article_ai": """CREATE TRIGGER search_article_ai AFTER INSERT ON archive_article BEGIN
        INSERT INTO search_article_fts(rowid, title, kicker, dek, body_text)
        VALUES (new.id, new.title, new.kicker, new.dek, new.body_text);
    END""",
    "search_comment_ai": """CREATE TRIGGER search_comment_ai AFTER INSERT ON comments_comment BEGIN
        INSERT INTO search_comment_fts(rowid, body_source) VALUES (new.id, new.body_source);
    END""",
}


def on_postgresql(statements: list[str]):
    """A RunPython function running `statements` in order on PostgreSQL, and nothing elsewhere
    (the migrations that keep PostgreSQL's side tables)."""

    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql, params=None)

    return apply
