from django.urls import path

from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/thread/", views.continue_thread, name="continue"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comments/<int:pk>/history/", views.history, name="history"),
    path("articles/<slug:slug>/comments/new/", views.post, name="post"),
    path("articles/<slug:slug>/comments/feed/", feeds.ArticleCommentsFeed(), name="article_feed"),
    path("articles/<slug:slug>/follow/", views.follow, name="follow"),
    path("articles/<slug:slug>/unfollow/", views.unfollow, name="unfollow"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
]
