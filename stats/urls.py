from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("statistics/", views.archive_statistics, name="archive"),
    path("sources/<slug:slug>/statistics/", views.source_statistics, name="source"),
]
