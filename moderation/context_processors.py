from django.utils.functional import SimpleLazyObject

from web.permissions import can_moderate


def moderation(request) -> dict:
    """`user_moderates` for the header's "Moderation" link. Lazy, and it reuses what a page
    already knows (the article page reads it with the article, `comments.discussion`), so
    pages do not pay the two permission queries of `perms.comments.moderate` again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_moderates": False}

    def known() -> bool:
        value = getattr(request, "agora_moderates", None)
        return can_moderate(user, holds_moderate=value)

    return {"user_moderates": SimpleLazyObject(known)}
