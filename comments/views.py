from django.shortcuts import get_object_or_404, redirect

from .models import Comment


def permalink(request, pk: int):
    comment = get_object_or_404(
        Comment.objects.visible_to(request.user).select_related("article"), pk=pk
    )
    return redirect(f"{comment.article.get_absolute_url()}#c{comment.pk}")
