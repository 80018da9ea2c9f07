"""`python manage.py rebuild_search_index`: index every article and comment again.

Triggers keep the index in step with every write, so this is only needed after a bulk load
that bypassed them (search.engine.backend().bulk_load() calls it itself) or to repair an index
restored from elsewhere. SQLite: FTS5 'rebuild' then 'optimize'; PostgreSQL: recompute every
document."""

import time

from django.core.management import BaseCommand

from archive.models import Article
from comments.models import Comment
from search.engine import backend


class Command(BaseCommand):
    help = "Rebuild the full-text search index of articles and comments."

    def handle(self, *args, **options):
        started = time.perf_counter()
        backend().rebuild()
        self.stdout.write(
            f"Search index rebuilt: {Article.objects.count()} articles, "
            f"{Comment.objects.count()} comments in {time.perf_counter() - started:.1f}s."
        )
