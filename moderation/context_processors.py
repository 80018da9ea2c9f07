from django.utils.functional import SimpleLazyObject


def moderation(request) -> dict:
    """`user_moderates` for the header's "Moderation" link. Lazy, and it reuses what a page
    already knows (the article page reads it with the article, `comments.discussion`), so
    pages do not pay the two permission queries of `perms.comments.moderate` again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_moderates": False}

    def known() -> bool:
        value = getattr(request, "agora_moderates", None)
        return user.has_perm("comments.moderate") if value is None else bool(value)

    return {"user_moderates": SimpleLazyObject(known)}
