from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.shortcuts import render

from web.middleware import RequestBodyTooLarge, body_too_large_response


class UserFacingBadRequest(BadRequest):
    """A 400 whose message we wrote for the reader, so it is safe to show (Django hides the
    message of other bad requests, which may come from anywhere)."""


def bad_request(request: HttpRequest, exception):
    if isinstance(exception, RequestBodyTooLarge):
        return body_too_large_response(request)
    message = str(exception) if isinstance(exception, UserFacingBadRequest) else ""
    return render(request, "400.html", {"message": message}, status=400)
