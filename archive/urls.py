from django.urls import path

from . import feeds, views

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
]
