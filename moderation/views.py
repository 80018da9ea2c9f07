from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from archive.models import Article
from comments.models import Comment, CommentRevision, CommentStatus
from search.engine import search_comments
from web.pagination import paginate
from web.permissions import MODERATE, can_moderate, holds
from web.ratelimit import ratelimit

from . import actions
from .diff import revision_diffs
from .filters import LogFilter, QueueFilter
from .forms import (
    ArticleModerationForm,
    BulkActionForm,
    CommentActionForm,
    FlagForm,
    NoteForm,
    SettingsForm,
    StandingForm,
    UsernameForm,
)
from .models import LogEntry, ModerationSettings, SiteRule, StandingChange, UserNote
from .queue import TABS, authors_for, queue, records_for, tab_counts
from .standing import posting_block_for, standing_of

User = get_user_model()
QUEUE_PER_PAGE = 25
LOG_PER_PAGE = 50


def moderator_required(perm: str = MODERATE):
    """Anonymous visitors are sent to log in; signed-in users without `perm` get 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not holds(request.user, perm):
                raise PermissionDenied("Only moderators can see this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _member(username: str):
    # A NUL byte in the address would make PostgreSQL raise instead of finding nobody.
    if "\x00" in username:
        raise Http404("No such user.")
    return get_object_or_404(User, username=username)


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Redirect to the `next` the form carried (the queue with its filters), if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return redirect(target)


# The queue ----------------------------------------------------------------------------------


def filter_text(queryset: QuerySet, q: str, viewer) -> QuerySet:
    """The queue's text filter: the site's full-text search and its query language
    (`search.engine.search_comments`), which lets moderators find comments in every state."""
    q = q.strip()
    if not q:
        return queryset
    return search_comments(queryset, q, viewer)


@require_safe
@moderator_required()
def queue_view(request: HttpRequest):
    tab = request.GET.get("tab", "pending")
    if tab not in TABS:
        tab = "pending"
    params = request.GET.copy()
    params.pop("tab", None)
    params.pop("page", None)
    filterset = QueueFilter(
        params or None, queryset=queue(tab), request=request, search_text=filter_text
    )
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        comments, status = Comment.objects.none(), 400
    else:
        comments = filterset.qs
    try:
        page = paginate(request, comments, QUEUE_PER_PAGE)
    except Http404:
        if request.GET.get("page", "1") in ("1", "last"):
            raise
        # Acting on the last items of the last page empties it: show the new last page.
        params = request.GET.copy()
        params["page"] = "last"
        return redirect(f"{request.path}?{params.urlencode()}")
    items = list(page.object_list)
    return render(
        request,
        "moderation/queue.html",
        {
            "tab": tab,
            "tab_label": TABS[tab],
            "tabs": TABS,
            "counts": tab_counts(),
            "filter": filterset,
            "page": page,
            "items": items,
            "authors": authors_for(items),
            "rules": list(SiteRule.objects.all()),
            "here": request.get_full_path(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@moderator_required()
def comment_action(request: HttpRequest, pk: int):
    """One action on one comment. GET shows a confirmation form (the thread's "Remove…" link
    lands here without JavaScript); POST acts and returns to `next`."""
    comment = get_object_or_404(Comment.objects.select_related("article", "user"), pk=pk)
    if request.method == "POST":
        form = CommentActionForm(request.POST)
        if form.is_valid():
            try:
                actions.run_comment_action(
                    request.user,
                    comment,
                    form.cleaned_data["action"],
                    rule=form.cleaned_data["rule"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Done: {form.cleaned_data['action']} comment {pk}.")
                return _back(request, reverse("moderation:queue"))
        status = 400
    else:
        form = CommentActionForm(initial={"action": request.GET.get("action", "remove")})
        status = 200
    return render(
        request,
        "moderation/comment_action.html",
        {
            "comment": comment,
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=status,
    )


@require_POST
@moderator_required()
def bulk_action(request: HttpRequest):
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, reverse("moderation:queue"))
    done = failed = 0
    for comment in Comment.objects.filter(pk__in=form.cleaned_data["ids"]).select_related(
        "article"
    ):
        try:
            actions.run_comment_action(
                request.user,
                comment,
                form.cleaned_data["action"],
                rule=form.cleaned_data["rule"],
                note=form.cleaned_data["note"],
            )
            done += 1
        except ValidationError:
            failed += 1
    messages.success(request, f"{form.cleaned_data['action'].title()}: {done} comment(s).")
    if failed:
        messages.error(request, f"{failed} comment(s) could not take that action.")
    return _back(request, reverse("moderation:queue"))


# Reader flags -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@ratelimit("flag", what="reports")
def flag_view(request: HttpRequest, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    comment = get_object_or_404(
        Comment.objects.visible_to(request.user)
        .filter(status=CommentStatus.PUBLISHED)
        .select_related("article", "user"),
        pk=pk,
    )
    if comment.user_id == request.user.pk:
        raise PermissionDenied("You cannot report your own comment.")
    if not standing_of(request.user).can_post:
        raise PermissionDenied("Your account is restricted; it cannot report comments.")
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.flag_comment(
                    request.user, comment, form.cleaned_data["reason"], form.cleaned_data["note"]
                )
            except actions.AlreadyFlagged as error:
                messages.info(request, error.messages[0])
            else:
                messages.success(request, "Thank you: a moderator will look at this comment.")
            return redirect(comment.get_absolute_url())
        status = 400
    return render(
        request, "moderation/flag.html", {"comment": comment, "form": form}, status=status
    )


# Users --------------------------------------------------------------------------------------


@require_safe
@moderator_required()
def user_page(request: HttpRequest, username: str):
    member = _member(username)
    recent = (
        Comment.objects.filter(user=member).select_related("article").order_by("-added", "-id")
    )[:20]
    return render(
        request,
        "moderation/user.html",
        {
            "member": member,
            "standing": standing_of(member),
            "record": records_for([member.pk]).get(member.pk),
            "history": StandingChange.objects.filter(user=member)
            .select_related("moderator")
            .order_by("-created", "-id"),
            "notes": UserNote.objects.filter(user=member).select_related("author"),
            "recent": recent,
            "standing_form": StandingForm(),
            "note_form": NoteForm(),
            "posting_block": posting_block_for(member),
        },
    )


STANDING_ACTIONS = {
    "warn": lambda mod, user, data: actions.warn_user(mod, user, data["reason"]),
    "suspend": lambda mod, user, data: actions.suspend_user(
        mod, user, data["until"], data["reason"]
    ),
    "ban": lambda mod, user, data: actions.ban_user(mod, user, data["reason"]),
    "restore": lambda mod, user, data: actions.restore_user(mod, user, data["reason"]),
}


@require_POST
@moderator_required("moderation.manage_standing")
def change_standing(request: HttpRequest, username: str):
    member = _member(username)
    form = StandingForm(request.POST)
    if form.is_valid():
        try:
            STANDING_ACTIONS[form.cleaned_data["kind"]](request.user, member, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"{member.username}: {form.cleaned_data['kind']} recorded.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("moderation:user", username=member.username)


@require_POST
@moderator_required()
def add_note(request: HttpRequest, username: str):
    member = _member(username)
    form = NoteForm(request.POST)
    if form.is_valid():
        actions.add_user_note(request.user, member, form.cleaned_data["body"])
        messages.success(request, "Note saved.")
    else:
        messages.error(request, "The note is empty or too long.")
    return redirect("moderation:user", username=member.username)


# Articles -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@moderator_required()
def article_page(request: HttpRequest, slug: str):
    article = get_object_or_404(Article, slug=slug)
    initial = {
        "comment_policy": article.comment_policy,
        "discussion_locked": article.discussion_locked,
        "discussion_closes_at": article.discussion_closes_at,
    }
    form = ArticleModerationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data, reason = form.cleaned_data, form.cleaned_data["reason"]
            changed = []
            if data["comment_policy"] != article.comment_policy:
                actions.set_comment_policy(request.user, article, data["comment_policy"], reason)
                changed.append("policy")
            if data["discussion_closes_at"] != article.discussion_closes_at:
                actions.close_discussion_on(
                    request.user, article, data["discussion_closes_at"], reason
                )
                changed.append("closing date")
            if data["discussion_locked"] != article.discussion_locked:
                if data["discussion_locked"]:
                    actions.lock_discussion(request.user, article, reason)
                else:
                    actions.unlock_discussion(request.user, article, reason)
                changed.append("lock")
            messages.success(
                request, f"Saved: {', '.join(changed)}." if changed else "Nothing changed."
            )
            return redirect("moderation:article", slug=article.slug)
        status = 400
    entries = LogEntry.objects.for_listing().filter(article=article)[:20]
    counts = article.comments.aggregate(
        pending=Count("id", filter=_status(CommentStatus.PENDING)),
        removed=Count("id", filter=_status(CommentStatus.REMOVED)),
    )
    return render(
        request,
        "moderation/article.html",
        {"article": article, "form": form, "entries": entries, "counts": counts},
        status=status,
    )


def _status(value):
    return Q(status=value)


# Settings -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@moderator_required("moderation.change_settings")
def settings_view(request: HttpRequest):
    current = ModerationSettings.load()
    form = SettingsForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in actions.SETTINGS_FIELDS}
            actions.update_settings(request.user, values, form.cleaned_data["reason"])
            messages.success(request, "The automatic rules were saved.")
            return redirect("moderation:settings")
        status = 400
    history = LogEntry.objects.for_listing().filter(action="settings")[:20]
    return render(
        request,
        "moderation/settings.html",
        {"form": form, "history": history, "threshold": settings.AGORA_FLAG_HIDE_THRESHOLD},
        status=status,
    )


# Moderators ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@moderator_required("moderation.manage_moderators")
def moderators_view(request: HttpRequest):
    form = UsernameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = User.objects.filter(username=form.cleaned_data["username"]).first()
        if member is None:
            messages.error(request, f"There is no user “{form.cleaned_data['username']}”.")
        elif request.POST.get("op") == "remove":
            actions.remove_moderator(request.user, member)
            messages.success(request, f"{member.username} is no longer a moderator.")
        else:
            actions.add_moderator(request.user, member)
            messages.success(request, f"{member.username} is now a moderator.")
        return redirect("moderation:moderators")
    team = User.objects.filter(groups__name=actions.MODERATORS_GROUP).order_by("username")
    return render(
        request,
        "moderation/moderators.html",
        {"team": team, "form": form},
        status=400 if form.errors else 200,
    )


# The public log -----------------------------------------------------------------------------


@require_safe
def log_list(request: HttpRequest):
    filterset = LogFilter(request.GET or None, queryset=LogEntry.objects.for_listing())
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        entries, status = LogEntry.objects.none(), 400
    else:
        entries = filterset.qs
    page = paginate(request, entries, LOG_PER_PAGE)
    return render(
        request, "moderation/log_list.html", {"filter": filterset, "page": page}, status=status
    )


@require_safe
def log_entry(request: HttpRequest, pk: int):
    entry = get_object_or_404(LogEntry.objects.for_listing(), pk=pk)
    return render(
        request,
        "moderation/log_entry.html",
        {"entry": entry, "is_moderator": can_moderate(request.user)},
    )


# Revisions ----------------------------------------------------------------------------------


@require_safe
@moderator_required()
def comment_revisions(request: HttpRequest, pk: int):
    """Every version of an edited comment as a word diff against the one before it, for
    moderators. The author's own list of versions is `comments:history`, which links here
    for moderators."""
    comment = get_object_or_404(Comment.objects.select_related("article", "user"), pk=pk)
    revisions = list(
        CommentRevision.objects.filter(comment=comment)
        .select_related("editor")
        .order_by("created", "id")
    )
    # The current text is the last version: the diff ends with what readers see now.
    current = CommentRevision(
        comment=comment,
        body_source=comment.body_source,
        body_html=comment.body_html,
        created=comment.edited or comment.created or comment.added,
        editor=None,
    )
    rows = revision_diffs([*revisions, current])
    return render(
        request,
        "moderation/revisions.html",
        {"comment": comment, "article": comment.article, "rows": rows, "edited": bool(revisions)},
    )
