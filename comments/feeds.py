from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404

from archive.models import Article
from web.feeds import SafeAtom1Feed
from web.reversing import absolute_url

from .models import Comment

FEED_SIZE = 50


class ArticleCommentsFeed(Feed):
    """The newest published comments under one article, as Atom."""

    feed_type = SafeAtom1Feed

    def get_object(self, request, slug: str) -> Article:
        return get_object_or_404(Article, slug=slug)

    def feed_extra_kwargs(self, article: Article) -> dict:
        return {"empty_updated": article.updated}

    def title(self, article: Article) -> str:
        return f"Discussion of “{article.title}”"

    def link(self, article: Article) -> str:
        return absolute_url(f"{article.get_absolute_url()}#discussion")

    def subtitle(self, article: Article) -> str:
        return f"Published comments under “{article.title}”."

    def items(self, article: Article):
        return (
            Comment.objects.in_thread(article)
            .published()
            .select_related("user")
            .order_by("-added", "-id")[:FEED_SIZE]
        )

    def item_title(self, comment: Comment) -> str:
        return f"Comment by {comment.author_display}"

    def item_description(self, comment: Comment) -> str:
        return comment.body_html  # sanitized when written

    def item_link(self, comment: Comment) -> str:
        return absolute_url(comment.get_absolute_url())

    def item_author_name(self, comment: Comment) -> str:
        return comment.author_display

    def item_pubdate(self, comment: Comment):
        return comment.created or comment.added

    def item_updateddate(self, comment: Comment):
        return comment.edited or comment.created or comment.added
