from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import URLValidator
from django.db import connections, models
from django.db.models import Count, Max, Min, Q, Value
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.text import slugify

from archive.dates import format_partial_date, iso_partial_date
from web.reversing import cached_reverse
from web.sanitize import clean_html, html_to_text, word_count


def slug_base(text: str, *, max_length: int = 200) -> str:
    return slugify(text, allow_unicode=False)[: max_length - 8].strip("-") or "untitled"


# Addresses become links on our pages: only the web's own schemes (URLField alone also takes
# ftp and ftps, and code that skips form validation could store anything).
WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def unique_slug(
    model: type[models.Model], text: str, *, max_length: int = 200, hints: dict | None = None
) -> str:
    """A slug for `text` that no row of `model` uses yet ("name", "name-2", "name-3", …).

    Candidates are checked a batch at a time through the unique index (one query for a new
    title, a few for one shared by thousands of rows), never one query per taken slug.
    `hints` ((model, base) -> next number to try), shared by an import run, starts the search
    where the previous row of the same name ended; the database still decides what is free.
    """
    base = slug_base(text, max_length=max_length)
    key = (model._meta.label, base)
    start = hints.get(key, 1) if hints is not None else 1
    size = 8
    while True:
        numbers = range(start, start + size)
        candidates = [base if n == 1 else f"{base}-{n}" for n in numbers]
        taken = set(model.objects.filter(slug__in=candidates).values_list("slug", flat=True))
        for n, slug in zip(numbers, candidates, strict=True):
            if slug not in taken:
                if hints is not None:
                    hints[key] = n + 1
                return slug
        start += size
        size = min(size * 2, 1024)


class SourceQuerySet(models.QuerySet):
    def with_stats(self) -> SourceQuerySet:
        return self.annotate(
            article_count=Count("articles", distinct=True),
            first_published=Min("articles__published"),
            last_published=Max("articles__published"),
        )

    def matching(self, name: str = "", homepage: str = "") -> Source | None:
        """The source with this name (any case), or failing that one on the same domain.

        Both lookups follow an index (UPPER(name), domain), whatever the number of sources.
        """
        if name.strip():
            found = (
                self.alias(name_upper=Upper("name"))
                .filter(name_upper=Upper(Value(name.strip(), output_field=models.CharField())))
                .order_by("pk")
                .first()
            )
            if found:
                return found
        domain = domain_of(homepage)
        if domain:
            return self.filter(domain=domain).order_by("name", "pk").first()
        return None


def domain_of(url: str) -> str:
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.").lower()


class Source(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    homepage = models.URLField(max_length=500, blank=True, validators=[WEB_ADDRESS])
    # The homepage's host without "www.", kept by save() so that the importer finds a source
    # by domain through an index instead of parsing every homepage.
    domain = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    description = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(Upper("name"), name="source_name_upper_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Source, self.name)
        self.domain = domain_of(self.homepage)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "homepage" in update_fields:
            kwargs["update_fields"] = {*update_fields, "domain"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return cached_reverse("archive:source", self.slug)


class AuthorManager(models.Manager):
    def lists_for(self, article_ids: list[int]) -> dict[int, list[Author]]:
        """Each article's authors, by name, for a page of articles: one statement, written
        as SQL. prefetch_related took a millisecond for twenty articles, building its query
        and a manager per article: six times the statement's own time."""
        if not article_ids:
            return {}
        connection = connections[self.db]
        links, authors = (
            connection.ops.quote_name(model._meta.db_table)
            for model in (Article.authors.through, self.model)
        )
        marks = ", ".join(["%s"] * len(article_ids))
        sql = (
            f"SELECT link.article_id, a.id, a.name, a.slug FROM {links} link"
            f" JOIN {authors} a ON a.id = link.author_id"
            f" WHERE link.article_id IN ({marks}) ORDER BY a.name, a.id"
        )
        found: dict[int, list[Author]] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, list(article_ids))
            for article_id, *row in cursor.fetchall():
                author = self.model.from_db(self.db, ["id", "name", "slug"], row)
                found.setdefault(article_id, []).append(author)
        return found


class Author(models.Model):
    name = models.CharField(max_length=200, db_index=True)  # the importer matches by name
    slug = models.SlugField(max_length=200, unique=True)
    created = models.DateTimeField(default=timezone.now)

    objects = AuthorManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Author, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return cached_reverse("archive:author", self.slug)


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class CommentPolicy(models.TextChoices):
    OPEN = "open", "Open"
    PREMODERATED = "premoderated", "Pre-moderated"
    CLOSED = "closed", "Closed"


class ArticleQuerySet(models.QuerySet):
    def for_listing(self) -> ArticleQuerySet:
        """What an article row shows: its source and authors, without N+1 queries."""
        return self.select_related("source").prefetch_related("authors")

    def for_results(self) -> ArticleQuerySet:
        """What a search result prints of an article (search.rendering.article_result), its
        authors aside: only those columns and its source's. Building the rows of all 24
        columns (parsing five dates) cost a page of twenty results 0.8 ms more."""
        return self.select_related("source").only(
            "title",
            "kicker",
            "dek",
            "slug",
            "published",
            "published_precision",
            "comment_count",
            "source__name",
            "source__slug",
        )

    def newest(self) -> ArticleQuerySet:
        return self.order_by(models.F("published").desc(nulls_last=True), "-created", "-id")

    def oldest(self) -> ArticleQuerySet:
        return self.order_by(models.F("published").asc(nulls_last=True), "created", "id")

    def most_discussed(self) -> ArticleQuerySet:
        return self.order_by("-comment_count", models.F("published").desc(nulls_last=True), "-id")

    def with_discussion(self) -> ArticleQuerySet:
        return self.filter(comment_count__gt=0)

    def published_in_year(self, year: int) -> ArticleQuerySet:
        return self.filter(published__year=year)


class Article(models.Model):
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, related_name="articles", blank=True)
    title = models.CharField(max_length=500)
    kicker = models.CharField(max_length=200, blank=True)
    dek = models.CharField(max_length=1000, blank=True)
    slug = models.SlugField(max_length=255, unique=True)
    url = models.URLField("original address", max_length=1000, blank=True, validators=[WEB_ADDRESS])
    published = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    body_html = models.TextField(help_text="Sanitized HTML paragraphs.")
    body_text = models.TextField(help_text="Plain-text copy of the body, for search.")
    word_count = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, db_index=True)
    comment_policy = models.CharField(
        max_length=12, choices=CommentPolicy.choices, default=CommentPolicy.OPEN
    )
    discussion_locked = models.BooleanField(default=False)
    discussion_closes_at = models.DateTimeField(null=True, blank=True)
    # Denormalised so that "most discussed" sorts and "has discussion" filters use an index
    # instead of counting comments per row; kept in step by the comment actions.
    comment_count = models.PositiveIntegerField(default=0, db_index=True)
    last_comment_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="article_url_unique_when_present"
            )
        ]
        indexes = [models.Index(fields=["published", "id"], name="article_published_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return cached_reverse("archive:article", self.slug)

    @property
    def published_display(self) -> str:
        return format_partial_date(self.published, self.published_precision)

    @property
    def date_archive_url(self) -> str:
        """The month of the archive it was published in (its year, if only that is known)."""
        if self.published is None:
            return ""
        if self.published_precision == DatePrecision.YEAR:
            return cached_reverse("archive:year", self.published.year)
        return cached_reverse("archive:month", self.published.year, self.published.month)

    @property
    def published_iso(self) -> str:
        """The date as far as it is known: YYYY-MM-DD, YYYY-MM or YYYY."""
        return iso_partial_date(self.published, self.published_precision)

    @property
    def discussion_is_open(self) -> bool:
        if self.comment_policy == CommentPolicy.CLOSED or self.discussion_locked:
            return False
        return self.discussion_closes_at is None or self.discussion_closes_at > timezone.now()

    def refresh_comment_stats(self) -> None:
        """Recount the published comments (after a post, an import or a moderation decision)."""
        # Through the reverse relation: the comments app builds on this one.
        published = self.comments.published()
        stats = published.aggregate(count=Count("id"), last=Max("created"))
        self.comment_count = stats["count"]
        self.last_comment_at = stats["last"]
        self.save(update_fields=["comment_count", "last_comment_at"])

    def set_body(self, body_html: str) -> None:
        """Sanitize `body_html` and derive the plain text, word count and content hash."""
        self.body_html = clean_html(body_html)
        self.body_text = html_to_text(self.body_html)
        self.word_count = word_count(self.body_text)
        self.content_hash = self.hash_content(self.title, self.body_text)

    @staticmethod
    def hash_content(title: str, body_text: str) -> str:
        return hashlib.sha256(f"{title}\n\n{body_text}".encode()).hexdigest()


class ArticleRevision(models.Model):
    """The title and body an article had before an import or an edit replaced them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=500)
    body_html = models.TextField()
    body_text = models.TextField()
    content_hash = models.CharField(max_length=64)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.created:%Y-%m-%d %H:%M})"


class ImportFormat(models.TextChoices):
    TEXT = "text", "Plain text"
    HTML = "html", "Saved HTML page"
    FEED = "feed", "RSS or Atom feed"
    JSONL = "jsonl", "JSON Lines export"
    DEMO = "demo", "Demo content"
    MANUAL = "manual", "Entered by hand"


class Provenance(models.Model):
    """Where an article's text came from: one row per import that created or changed it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="provenance")
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True)
    format = models.CharField(max_length=10, choices=ImportFormat.choices)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    outcome = models.CharField(max_length=20, default="imported")

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.article_id}"


class BoilerplatePattern(models.Model):
    """A regular expression for page boilerplate that the text importer drops (admin-editable)."""

    pattern = models.CharField(max_length=500, unique=True)
    note = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pattern"]

    def __str__(self) -> str:
        return self.pattern
