from django import template
from django.utils import timezone

from comments import jsonld
from comments.rendering import relative_time

register = template.Library()


@register.filter
def ago(value) -> str:
    """ "just now", "5 minutes ago", "3 days ago": the same wording as the thread rows."""
    if not value:
        return ""
    return relative_time(value, timezone.now())


@register.simple_tag
def article_jsonld(article, discussion=None):
    """The article page's schema.org NewsArticle, with the comments this page shows."""
    nodes = discussion.nodes if discussion is not None else []
    return jsonld.script(jsonld.article_data(article, nodes))
