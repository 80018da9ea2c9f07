"""The site's URLs plus a stand-in profile page, as the accounts app will provide."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path

accounts_patterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("u/<str:username>/", lambda request, username: HttpResponse(username), name="profile"),
]

urlpatterns = [
    path("accounts/", include((accounts_patterns, "accounts"))),
    path("", include("comments.urls")),
    path("", include("archive.urls")),
]
