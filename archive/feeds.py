from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from web.feeds import SafeAtom1Feed
from web.reversing import absolute_url

from .models import Article, Source

FEED_SIZE = 30


class LatestArticlesFeed(Feed):
    feed_type = SafeAtom1Feed
    title = "Agora: new in the archive"
    subtitle = "Articles most recently added to the archive."

    def link(self):
        return absolute_url(reverse("archive:article_list"))

    def items(self):
        return Article.objects.for_listing().order_by("-created", "-id")[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.dek or item.body_text[:400]

    def item_link(self, item: Article) -> str:
        return absolute_url(item.get_absolute_url())

    def item_pubdate(self, item: Article):
        return item.created

    def item_updateddate(self, item: Article):
        return item.updated

    def item_author_name(self, item: Article) -> str:
        return ", ".join(a.name for a in item.authors.all()) or item.source.name


class SourceArticlesFeed(LatestArticlesFeed):
    def get_object(self, request, slug: str) -> Source:
        return get_object_or_404(Source, slug=slug)

    def title(self, obj: Source) -> str:
        return f"Agora: new from {obj.name}"

    def subtitle(self, obj: Source) -> str:
        return f"Articles from {obj.name} most recently added to the archive."

    def link(self, obj: Source) -> str:
        return absolute_url(obj.get_absolute_url())

    def items(self, obj: Source):
        return (
            Article.objects.for_listing().filter(source=obj).order_by("-created", "-id")[:FEED_SIZE]
        )
