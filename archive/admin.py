from django.contrib import admin

from .models import Article, ArticleRevision, Author, BoilerplatePattern, Provenance, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
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
    fields = ["created", "title", "content_hash", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
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

    def save_model(self, request, obj, form, change):
        # Admins may paste HTML; it is sanitized like every other path into a page.
        obj.set_body(form.cleaned_data["body_html"])
        super().save_model(request, obj, form, change)

    @admin.display(ordering="published", description="Published")
    def published_display(self, obj) -> str:
        return obj.published_display or "—"


@admin.register(BoilerplatePattern)
class BoilerplatePatternAdmin(admin.ModelAdmin):
    list_display = ["pattern", "note", "created"]
    search_fields = ["pattern", "note"]
