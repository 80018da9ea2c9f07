"""What browsers and crawlers ask of every site at fixed addresses: /robots.txt and
/favicon.ico."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .reversing import absolute_url


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links to. A redirect to the static
    file rather than a copy: its name carries its hash, so it is kept for a year."""
    return HttpResponseRedirect(static("favicon.ico"))


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """What crawlers may read: the archive, its discussions and the public moderation log;
    not the account, admin, moderation or search pages (search results are endless and
    costly to crawl)."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /moderation/",
        "Allow: /moderation/log/",
        "Disallow: /notifications/",
        "Disallow: /unsubscribe/",
        "Disallow: /search/",
        "Allow: /search/help/",
        "",
        f"Sitemap: {absolute_url(reverse('sitemap_index'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
