from .models import Notification


def notifications(request) -> dict:
    """The header's unread count: one COUNT query, and only for signed-in readers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.for_user(user).unread().count()}
