from django.contrib import admin

from .models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "article", "author_display", "status", "depth", "is_archived", "created"]
    list_filter = ["status", "is_archived", "is_featured"]
    list_select_related = ["article", "user"]
    search_fields = ["archived_author_name", "user__username"]
    raw_id_fields = ["article", "parent", "user"]
    readonly_fields = ["body_html", "depth", "added", "edited"]
