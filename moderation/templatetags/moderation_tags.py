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


@register.filter
def display_name(user) -> str:
    """A site user's display name, else their username; no query when the page loaded
    `user__profile` with select_related (a missing profile is then known to be missing)."""
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile is not None else "") or user.get_username()
