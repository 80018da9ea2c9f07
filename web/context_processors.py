from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {"SITE_NAME": settings.SITE_NAME, "canonical_url": canonical_url(request)}


def canonical_url(request: HttpRequest) -> str:
    """The page's address on AGORA_SITE_URL, for <link rel=canonical> and og:url: its path,
    and its page number past the first; filters, sorts and tracking parameters dropped."""
    url = settings.SITE_URL + request.path
    page = request.GET.get("page", "")
    # A hostile page number may be thousands of digits long: too long to be a real page.
    if page.isascii() and page.isdigit() and len(page) < 10 and int(page) > 1:
        url += f"?page={int(page)}"
    return url
