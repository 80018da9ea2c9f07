from django import template
from django.utils import timezone

from comments.rendering import relative_time

register = template.Library()


@register.filter
def ago(value) -> str:
    """ "just now", "5 minutes ago", "3 days ago": the same wording as the thread rows."""
    if not value:
        return ""
    return relative_time(value, timezone.now())
