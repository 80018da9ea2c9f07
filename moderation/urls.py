from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("moderation/", views.queue_view, name="queue"),
    path("moderation/comments/<int:pk>/act/", views.comment_action, name="comment_action"),
    path("moderation/bulk/", views.bulk_action, name="bulk"),
    path("moderation/users/<str:username>/", views.user_page, name="user"),
    path("moderation/users/<str:username>/standing/", views.change_standing, name="standing"),
    path("moderation/users/<str:username>/notes/", views.add_note, name="note"),
    path("moderation/articles/<slug:slug>/", views.article_page, name="article"),
    path("moderation/settings/", views.settings_view, name="settings"),
    path("moderation/moderators/", views.moderators_view, name="moderators"),
    path("moderation/log/", views.log_list, name="log"),
    path("moderation/log/<int:pk>/", views.log_entry, name="log_entry"),
    path("moderation/comments/<int:pk>/revisions/", views.comment_revisions, name="revisions"),
    path("comments/<int:pk>/flag/", views.flag_view, name="flag"),
]
