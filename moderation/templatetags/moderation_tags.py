from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """`{{ removal_entries|lookup:comment.pk }}`: a dict prepared once per page."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def contains(collection, key) -> bool:
    """`{% if flagged_ids|contains:comment.pk %}`"""
    return bool(collection) and key in collection
