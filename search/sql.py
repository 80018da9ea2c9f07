"""The PostgreSQL documents' definitions, shared by the migration and the rebuild command."""

ARTICLE_VECTOR = (
    "setweight(to_tsvector('english', coalesce({p}title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce({p}kicker, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce({p}dek, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce({p}body_text, '')), 'C')"
)
COMMENT_VECTOR = "to_tsvector('english', coalesce({p}body_source, ''))"
