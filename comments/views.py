"""Comment pages: thin views that parse, authorize, call `actions` and render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from archive.models import Article
from moderation.standing import posting_block_for
from web.markup import render_markdown
from web.pagination import paginate
from web.ratelimit import ratelimit

from . import actions
from .discussion import (
    moderation_controls,
    new_form,
    reader_moderates,
    render_discussion,
    subtree_context,
)
from .forms import CommentForm, EditForm
from .models import Comment, CommentStatus, Notification
from .rendering import RowRenderer, Viewer
from .tree import Node


def _visible_comment(request: HttpRequest, pk: int) -> Comment:
    """A comment this reader may see, or 404 (hidden ones are not admitted to exist)."""
    return get_object_or_404(
        Comment.objects.visible_to(request.user).select_related("article", "user"), pk=pk
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@require_GET
def permalink(request: HttpRequest, pk: int):
    comment = _visible_comment(request, pk)
    context = subtree_context(request, comment, with_ancestors=True)
    return render_discussion(request, "comments/permalink.html", context)


@require_GET
def continue_thread(request: HttpRequest, pk: int):
    comment = _visible_comment(request, pk)
    context = subtree_context(request, comment, with_ancestors=False)
    return render_discussion(request, "comments/continue.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit("post-comment", what="comments")
def post(request: HttpRequest, slug: str):
    """The posting page: the form (for a reply, under the comment replied to), its preview
    and its errors. The forms on the article page post here; with JavaScript they post with
    fetch and get the new comment's HTML back as JSON."""
    article = get_object_or_404(Article, slug=slug)
    raw_parent = request.POST.get("parent") if request.method == "POST" else None
    raw_parent = raw_parent or request.GET.get("parent") or ""
    parent = None
    if raw_parent:
        if not (raw_parent.isascii() and raw_parent.isdigit()) or len(raw_parent) > 18:
            return _post_page(
                request,
                article,
                None,
                new_form(),
                status=400,
                message="That is not a comment you can reply to: start a new comment instead.",
            )
        parent = (
            Comment.objects.visible_to(request.user)
            .select_related("user")
            .filter(pk=int(raw_parent))
            .first()
        )
        if parent is None:
            raise Http404("There is no such comment to reply to.")
    if request.method == "GET":
        form = new_form(parent=parent.pk if parent else None)
        return _post_page(request, article, parent, form)

    form = CommentForm(request.POST)
    if not form.is_valid():
        return _post_failed(request, article, parent, form)
    body = form.cleaned_data["body"]
    if "preview" in request.POST:
        return _post_page(request, article, parent, form, preview=render_markdown(body))
    try:
        comment = actions.post_comment(
            request.user,
            article,
            body,
            parent=parent,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except actions.CommentRejected as error:
        form.add_error(None, error.message)
        return _post_failed(request, article, parent, form)
    if _wants_json(request):
        html = _single_row(request, article, comment)
        return JsonResponse(
            {
                "id": comment.pk,
                "parent": comment.parent_id,
                "status": comment.status,
                "html": html,
                "url": f"{article.get_absolute_url()}#c{comment.pk}",
            },
            status=201,
        )
    if comment.status == CommentStatus.PENDING:
        messages.info(request, "Thank you: your comment is awaiting review before it appears.")
    return redirect(f"{article.get_absolute_url()}#c{comment.pk}")


def _post_failed(request: HttpRequest, article, parent, form):
    if _wants_json(request):
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"errors": errors}, status=400)
    return _post_page(request, article, parent, form, status=400)


def _post_page(
    request, article, parent, form, *, preview: str = "", status: int = 200, message: str = ""
):
    return render(
        request,
        "comments/post.html",
        {
            "article": article,
            "parent": parent,
            "parent_html": _single_row(request, article, parent) if parent else "",
            "form": form,
            "preview": preview,
            "message": message,
            "posting_block": posting_block_for(request.user),
        },
        status=status,
    )


def _single_row(request: HttpRequest, article, comment: Comment):
    """One comment's row as the article page shows it to this reader, with the moderation
    controls a moderator (or the Report link a reader) gets there."""
    is_moderator = reader_moderates(article, request.user)
    node = Node.from_comment(comment)
    controls = moderation_controls(
        request, article, [node], is_moderator=is_moderator, next_url=article.get_absolute_url()
    )
    viewer = Viewer.for_request(request, article, is_moderator=is_moderator)
    return RowRenderer(viewer, controls).row(node, with_structure=False)


def _own_comment(request: HttpRequest, pk: int) -> Comment:
    comment = _visible_comment(request, pk)
    if not actions.can_edit(request.user, comment):
        raise PermissionDenied("Only its author can change this comment.")
    return comment


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HttpRequest, pk: int):
    comment = _own_comment(request, pk)
    if request.method == "GET":
        form = EditForm(initial={"body": comment.body_source})
        return _edit_page(request, comment, form)
    form = EditForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, comment, form, status=400)
    if "preview" in request.POST:
        preview = render_markdown(form.cleaned_data["body"])
        return _edit_page(request, comment, form, preview=preview)
    actions.edit_comment(request.user, comment, form.cleaned_data["body"])
    return redirect(f"{comment.article.get_absolute_url()}#c{comment.pk}")


def _edit_page(request: HttpRequest, comment, form, *, preview: str = "", status: int = 200):
    return render(
        request,
        "comments/edit.html",
        {"comment": comment, "article": comment.article, "form": form, "preview": preview},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def delete(request: HttpRequest, pk: int):
    comment = _own_comment(request, pk)
    if request.method == "GET":
        return render(
            request, "comments/delete.html", {"comment": comment, "article": comment.article}
        )
    actions.delete_comment(request.user, comment)
    messages.success(request, "Your comment is deleted; replies to it keep their place.")
    return redirect(f"{comment.article.get_absolute_url()}#c{comment.pk}")


@require_GET
@login_required
def history(request: HttpRequest, pk: int):
    comment = _visible_comment(request, pk)
    if not actions.can_read_history(request.user, comment):
        raise PermissionDenied("Only its author and moderators can read a comment's history.")
    revisions = comment.revisions.select_related("editor")
    return render(
        request,
        "comments/history.html",
        {"comment": comment, "article": comment.article, "revisions": revisions},
    )


@require_POST
@login_required
def follow(request: HttpRequest, slug: str):
    article = get_object_or_404(Article, slug=slug)
    actions.follow(request.user, article)
    messages.success(request, "You follow this discussion: new comments appear in your notices.")
    return redirect(f"{article.get_absolute_url()}#discussion")


@require_POST
@login_required
def unfollow(request: HttpRequest, slug: str):
    article = get_object_or_404(Article, slug=slug)
    actions.unfollow(request.user, article)
    messages.success(request, "You no longer follow this discussion.")
    return redirect(f"{article.get_absolute_url()}#discussion")


@require_GET
@login_required
def notifications(request: HttpRequest):
    notes = (
        Notification.objects.for_user(request.user)
        .select_related("comment__article", "comment__user")
        .order_by("-created", "-id")
    )
    page = paginate(request, notes, settings.AGORA_NOTIFICATIONS_PER_PAGE)
    return render(request, "comments/notifications.html", {"page": page})


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int):
    if not actions.mark_read(request.user, pk):
        raise Http404("No such notice.")
    return redirect(_back(request, "comments:notifications"))


@require_POST
@login_required
def notifications_read_all(request: HttpRequest):
    count = actions.mark_all_read(request.user)
    messages.success(request, f"{count} notice{'s' if count != 1 else ''} marked read.")
    return redirect("comments:notifications")
