"""What the rest of the site calls to search: one interface over both engines, its parts kept
by job in their own modules.

- `search.querying`: the matching querysets, `search_articles(qs, q)` and
  `search_comments(qs, q, viewer)` (ordinary querysets, annotated with `search_rank` when the
  query has words, so callers keep filtering them).
- `search.ranking`: relevance order (`articles_by_relevance`, `comments_by_relevance`).
- `search.results`: the sequences those return, read a slice at a time.
- `search.counting`: the capped count (`CappedCount`) and what the index can count alone.
- `search.snippets`: the highlighted passages a page of results shows.
- `search.backends`: the engines (FTS5, PostgreSQL), `backend()` the one in use.
"""

from .backends import backend
from .counting import CappedCount, article_count_source, comment_count_source
from .querying import commenter_comment_ids, search_articles, search_comments, start_of
from .ranking import articles_by_relevance, by_relevance, comments_by_relevance, without_words
from .results import IndexRanked, RankedTiers
from .snippets import article_snippets, comment_snippets, excerpt, highlight

__all__ = [
    "CappedCount",
    "IndexRanked",
    "RankedTiers",
    "article_count_source",
    "article_snippets",
    "articles_by_relevance",
    "backend",
    "by_relevance",
    "comment_count_source",
    "comment_snippets",
    "commenter_comment_ids",
    "comments_by_relevance",
    "excerpt",
    "highlight",
    "search_articles",
    "search_comments",
    "start_of",
    "without_words",
]
