from django.contrib import admin

from web.text import CleanTextModelForm

from .models import Comment, CommentRevision, Notification, ThreadFollow, ThreadVisit


class RevisionInline(admin.TabularInline):
    model = CommentRevision
    extra = 0
    can_delete = False
    fields = ["created", "editor", "body_source"]
    readonly_fields = fields
    raw_id_fields = ["editor"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["id", "article", "author_display", "status", "depth", "is_archived", "created"]
    list_filter = ["status", "is_archived", "is_featured"]
    list_select_related = ["article", "user"]
    search_fields = ["archived_author_name", "user__username"]
    raw_id_fields = ["article", "parent", "user"]
    readonly_fields = ["body_html", "depth", "added", "edited"]
    inlines = [RevisionInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "kind", "comment", "created", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "comment"]


@admin.register(ThreadFollow)
class ThreadFollowAdmin(admin.ModelAdmin):
    list_display = ["user", "article", "created"]
    list_select_related = ["user", "article"]
    raw_id_fields = ["user", "article"]


@admin.register(ThreadVisit)
class ThreadVisitAdmin(admin.ModelAdmin):
    list_display = ["user", "article", "seen_at"]
    list_select_related = ["user", "article"]
    raw_id_fields = ["user", "article"]
