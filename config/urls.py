from django.contrib import admin
from django.urls import include, path

from archive.sitemaps import sitemap_index, sitemap_page
from web.crawlers import favicon, robots_txt
from web.health import health

urlpatterns = [
    path("healthz", health, name="health"),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap_index, name="sitemap_index"),
    path("sitemaps/<slug:kind>-<int:number>.xml", sitemap_page, name="sitemap_page"),
    path("favicon.ico", favicon, name="favicon"),
    # The article import pages sit under the article admin, ahead of its catch-all.
    path("admin/archive/article/import/", include("imports.urls")),
    path("admin/backups/", include("backup.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("comments.urls")),
    path("", include("moderation.urls")),
    path("", include("search.urls")),
    path("", include("stats.urls")),
    path("", include("archive.urls")),
]

handler400 = "web.errors.bad_request"
handler500 = "web.errors.server_error"
