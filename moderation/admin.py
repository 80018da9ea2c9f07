from django.contrib import admin, messages

from web.text import CleanTextModelForm

from . import actions
from .models import Flag, Hold, LogEntry, ModerationSettings, SiteRule, StandingChange, UserNote


@admin.register(SiteRule)
class SiteRuleAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["title", "order"]
    list_editable = ["order"]


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    """Read-only here: changes go through /moderation/settings/ so that they are logged."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["created", "action", "actor", "comment_id", "article", "user", "rule_title"]
    list_filter = ["action"]
    list_select_related = ["actor", "article", "user"]
    date_hierarchy = "created"


@admin.register(StandingChange)
class StandingChangeAdmin(ReadOnlyAdmin):
    list_display = ["created", "user", "kind", "until", "moderator"]
    list_filter = ["kind"]
    list_select_related = ["user", "moderator"]


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ["comment_id", "rule", "detail", "resolved", "created"]
    list_filter = ["rule", "resolved"]


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ["comment_id", "reader", "reason", "resolved", "created"]
    list_filter = ["reason", "resolved"]
    list_select_related = ["reader"]
    actions = ["approve_flagged", "spam_flagged"]

    @admin.action(description="Keep the reported comments (dismiss the reports)")
    def approve_flagged(self, request, queryset):
        for flag in queryset.select_related("comment__article"):
            actions.approve_comment(request.user, flag.comment, reason="Reports dismissed")
        messages.success(request, "Done.")

    @admin.action(description="Mark the reported comments as spam")
    def spam_flagged(self, request, queryset):
        for flag in queryset.select_related("comment__article"):
            actions.mark_spam(request.user, flag.comment)
        messages.success(request, "Done.")


@admin.register(UserNote)
class UserNoteAdmin(ReadOnlyAdmin):
    list_display = ["user", "author", "created"]
