from django.urls import path, register_converter

from . import feeds, views


class Digits:
    """A number written with a fixed count of digits: /archive/2025/06/, one address each."""

    width = 1

    @property
    def regex(self) -> str:
        return f"[0-9]{{{self.width}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):0{self.width}d}"


class Year(Digits):
    width = 4


class Month(Digits):
    width = 2


register_converter(Year, "yyyy")
register_converter(Month, "mm")

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<slug:slug>/", views.source_detail, name="source"),
    path("sources/<slug:slug>/feed/", feeds.SourceArticlesFeed(), name="source_feed"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("feeds/articles/", feeds.LatestArticlesFeed(), name="feed"),
    path("archive/", views.date_index, name="dates"),
    path("archive/<yyyy:year>/", views.year_archive, name="year"),
    path("archive/<yyyy:year>/<mm:month>/", views.month_archive, name="month"),
]
