from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from comments.models import Comment, CommentStatus
from web.pagination import paginate
from web.ratelimit import ratelimit
from web.timezones import SESSION_KEY

from .actions import sign_up, turn_off_mail, update_settings
from .forms import EMAIL_TAKEN, SettingsForm, SignUpForm, email_in_use
from .mail import user_id_from_unsubscribe_token
from .models import profile_for

User = get_user_model()
COMMENTS_PER_PAGE = 20


def safe_next(request: HttpRequest, default: str = "archive:home") -> str:
    """Where to go after a form: the `next` parameter when it points at this site, else
    `default` (never another host: no open redirect)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Coming back to the log-in or sign-up form once signed in would only be in the way.
        if urlsplit(candidate).path not in {reverse("accounts:login"), reverse("accounts:signup")}:
            return candidate
    return resolve_url(default)


@require_http_methods(["GET", "POST"])
@ratelimit("signup", what="sign-ups")
def signup(request: HttpRequest):
    redirect_to = safe_next(request)
    if request.user.is_authenticated:
        return redirect(redirect_to)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = sign_up(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except IntegrityError:  # the same username or address, signed up a moment ago
            if email_in_use(form.cleaned_data["email"]):
                form.add_error("email", EMAIL_TAKEN)
            else:
                form.add_error("username", "A user with that username already exists.")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.get_username()}. You are signed in.")
            return redirect(redirect_to)
    next_value = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "accounts/signup.html", {"form": form, "next": next_value})


@require_safe
def profile(request: HttpRequest, username: str):
    person = get_object_or_404(
        User.objects.filter(is_active=True).select_related("profile"), username=username
    )
    comments = (
        Comment.objects.visible_to(request.user)
        .filter(user=person)
        .exclude(status=CommentStatus.DELETED)
        .select_related("article")
        .order_by("-added", "-id")
    )
    page = paginate(request, comments, COMMENTS_PER_PAGE)
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "profile": profile_for(person),
            "page": page,
            "is_self": request.user == person,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest):
    if request.method == "POST":
        form = SettingsForm(request.user, request.POST)
        if form.is_valid():
            try:
                update_settings(
                    request.user,
                    display_name=form.cleaned_data["display_name"],
                    bio=form.cleaned_data["bio"],
                    email=form.cleaned_data["email"],
                    email_notifications=form.cleaned_data["email_notifications"],
                    time_zone=form.cleaned_data["time_zone"],
                    mail_schedule=form.cleaned_data["mail_schedule"],
                )
            except IntegrityError:  # another account took the address a moment ago
                form.add_error("email", EMAIL_TAKEN)
            else:
                request.session[SESSION_KEY] = form.cleaned_data["time_zone"]
                messages.success(request, "Your settings are saved.")
                return redirect("accounts:settings")
    else:
        form = SettingsForm(request.user)
    return render(request, "accounts/settings.html", {"form": form})


# A mail client's one-click unsubscribe (RFC 8058) POSTs here with no cookie and no CSRF
# token, so CSRF protection cannot apply. It is safe to waive: the signed token in the
# address is the authorization (only the site can make it, for one reader), and the only
# thing the view can do is turn that reader's notification mail off. GET changes nothing: it
# shows a button that POSTs (link scanners and previews follow GET links). never_cache: the
# page names the token's reader, so no shared cache may keep it.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user_id = user_id_from_unsubscribe_token(token)
    if user_id is None:
        return render(request, "accounts/unsubscribe.html", {"invalid": True}, status=400)
    person = get_object_or_404(User, pk=user_id, is_active=True)
    done = False
    if request.method == "POST":
        turn_off_mail(person)
        done = True
    return render(
        request,
        "accounts/unsubscribe.html",
        {"person": person, "done": done, "token": token},
    )
