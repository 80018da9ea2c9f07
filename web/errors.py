import sys

from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from web.middleware import RequestBodyTooLarge, body_too_large_response


class UserFacingBadRequest(BadRequest):
    """A 400 whose message we wrote for the reader, so it is safe to show (Django hides the
    message of other bad requests, which may come from anywhere)."""


def bad_request(request: HttpRequest, exception):
    if isinstance(exception, RequestBodyTooLarge):
        return body_too_large_response(request)
    message = str(exception) if isinstance(exception, UserFacingBadRequest) else ""
    return render(request, "400.html", {"message": message}, status=400)


# What the database raises when it is unreachable, restarting or out of connections.
DATABASE_OUTAGES = (OperationalError, InterfaceError)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with Retry-After when the database is out (a pause, not a bug): both pages
    are plain templates rendered without the request, so they need neither the database nor
    the cache."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_OUTAGES):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
