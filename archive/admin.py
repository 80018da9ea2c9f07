import difflib
import re

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from web.text import CleanTextMixin, CleanTextModelForm

from .models import Article, ArticleRevision, Author, BoilerplatePattern, Provenance, Source

# Addresses typed without a scheme get https:// (Django 6's default; 5.2 still adds http://).
WEB_ADDRESSES = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    formfield_overrides = WEB_ADDRESSES
    list_display = ["name", "homepage", "article_total", "created"]
    search_fields = ["name", "homepage"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_stats()

    @admin.display(ordering="article_count", description="Articles")
    def article_total(self, obj) -> int:
        return obj.article_count


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    list_display = ["name", "slug", "created"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ProvenanceInline(admin.TabularInline):
    model = Provenance
    extra = 0
    can_delete = False
    readonly_fields = ["file_name", "sha256", "format", "imported_at", "imported_by", "outcome"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    extra = 0
    can_delete = False
    fields = ["created", "title", "content_hash", "created_by", "changes"]
    readonly_fields = fields

    @admin.display(description="Changes")
    def changes(self, obj) -> str:
        if not obj.pk:
            return ""
        url = reverse("admin:archive_articlerevision_change", args=[obj.pk])
        return format_html('<a href="{}">Show what changed</a>', url)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = CleanTextModelForm
    formfield_overrides = WEB_ADDRESSES
    list_display = [
        "title",
        "source",
        "published_display",
        "comment_count",
        "comment_policy",
        "word_count",
        "created",
    ]
    list_filter = ["source", "comment_policy", "published_precision", "discussion_locked"]
    list_select_related = ["source"]
    search_fields = ["title", "kicker", "dek", "url"]
    date_hierarchy = "created"
    autocomplete_fields = ["authors"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "body_text",
        "word_count",
        "content_hash",
        "comment_count",
        "last_comment_at",
        "created",
    ]
    inlines = [RevisionInline, ProvenanceInline]
    change_list_template = "admin/archive/article/change_list.html"

    def save_model(self, request, obj, form, change):
        # Admins may paste HTML; it is sanitized like every other path into a page.
        obj.set_body(form.cleaned_data["body_html"])
        super().save_model(request, obj, form, change)

    @admin.display(ordering="published", description="Published")
    def published_display(self, obj) -> str:
        return obj.published_display or "—"


class BoilerplatePatternForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = BoilerplatePattern
        fields = ["pattern", "note"]

    def clean_pattern(self) -> str:
        pattern = self.cleaned_data["pattern"]
        try:
            re.compile(pattern)
        except re.error as exc:
            raise forms.ValidationError(f"Not a valid regular expression: {exc}.") from exc
        if re.compile(pattern).search(""):
            raise forms.ValidationError(
                "This pattern matches an empty line, so it matches anything."
            )
        return pattern


@admin.register(BoilerplatePattern)
class BoilerplatePatternAdmin(admin.ModelAdmin):
    form = BoilerplatePatternForm
    list_display = ["pattern", "note", "created"]
    search_fields = ["pattern", "note"]


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    """Read-only: what an import or edit replaced, as a side-by-side diff."""

    list_display = ["title", "article", "created", "created_by"]
    list_select_related = ["article", "created_by"]
    search_fields = ["title", "article__title"]
    fields = ["article", "title", "created", "created_by", "diff"]
    readonly_fields = fields

    class Media:
        css = {"all": ["css/admin-import.css"]}

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Before → after")
    def diff(self, obj) -> str:
        before, after = revision_pair(obj)
        table = difflib.HtmlDiff(wrapcolumn=48).make_table(
            before, after, "This revision", "What replaced it", context=True, numlines=2
        )
        # HtmlDiff escapes every line it shows (&, < and >); the labels are ours.
        return mark_safe(f'<div class="revision-diff">{table}</div>')


def revision_pair(revision: ArticleRevision) -> tuple[list[str], list[str]]:
    """Lines of this revision and of the text that replaced it (the next revision, or now)."""
    later = Q(created__gt=revision.created) | Q(created=revision.created, id__gt=revision.pk)
    newer = (
        ArticleRevision.objects.filter(later, article=revision.article_id)
        .order_by("created", "id")
        .first()
    )
    after = newer or revision.article

    def lines(title: str, body_text: str) -> list[str]:
        return [title, "", *body_text.split("\n")]

    return lines(revision.title, revision.body_text), lines(after.title, after.body_text)
