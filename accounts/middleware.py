from django.http import HttpRequest
from django.utils import timezone

from web.timezones import SESSION_KEY, zone

from .models import Profile


def stored_time_zone(user) -> str:
    """The zone in the reader's profile row (not a profile cached on the user object)."""
    zones = Profile.objects.filter(user=user).values_list("time_zone", flat=True)
    return zones.first() or ""


def remember_time_zone(sender, request, user, **kwargs) -> None:
    """On signing in, keep the reader's zone in the new session (user_logged_in)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = stored_time_zone(user)


class ReaderTimeZoneMiddleware:
    """Show a signed-in reader's pages in the time zone they chose (settings), anyone else's
    in the site's. The choice is kept in the session from signing in (and read from the
    profile once for a session made before it was kept)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if SESSION_KEY not in request.session:
                request.session[SESSION_KEY] = stored_time_zone(user)
            chosen = zone(request.session[SESSION_KEY])
            if chosen is not None:
                timezone.activate(chosen)
            else:
                timezone.deactivate()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
