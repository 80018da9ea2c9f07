from collections.abc import Callable

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from archive.models import Source
from comments.models import CommentStatus

from .models import Flag, FlagReason, Hold, HoldRule, LogAction, LogEntry

DATE = forms.DateInput(attrs={"type": "date"})
REASONS = [(f"flag:{v}", f"Flag: {label}") for v, label in FlagReason.choices] + [
    (f"hold:{v}", f"Rule: {label}") for v, label in HoldRule.choices
]


class QueueFilter(django_filters.FilterSet):
    """The queue's filters; every value lives in the URL so actions can return to it.

    The text filter is the site's full-text search, which sits beside moderation, not below
    it: the view passes it in as `search_text(queryset, q, viewer)`."""

    article = django_filters.CharFilter(
        field_name="article__slug", label="Article (slug)", max_length=255
    )
    source = django_filters.ModelChoiceFilter(
        queryset=Source.objects.all(),
        field_name="article__source",
        to_field_name="slug",
        empty_label="All sources",
        error_messages={"invalid_choice": "There is no such source."},
    )
    author = django_filters.CharFilter(
        field_name="user__username",
        lookup_expr="iexact",
        label="Author (username)",
        max_length=150,
    )
    reason = django_filters.ChoiceFilter(
        choices=REASONS, method="filter_reason", empty_label="Any reason"
    )
    status = django_filters.ChoiceFilter(choices=CommentStatus.choices, empty_label="Any status")
    date_from = django_filters.DateFilter(
        field_name="added", lookup_expr="date__gte", label="From", widget=DATE
    )
    date_to = django_filters.DateFilter(
        field_name="added", lookup_expr="date__lte", label="To", widget=DATE
    )
    q = django_filters.CharFilter(method="filter_q", label="Text", max_length=200)

    def __init__(self, *args, search_text: Callable[[QuerySet, str, object], QuerySet], **kwargs):
        super().__init__(*args, **kwargs)
        self.search_text = search_text

    def filter_reason(self, queryset, name, value):
        kind, _, code = value.partition(":")
        model = Flag if kind == "flag" else Hold
        field = "reason" if kind == "flag" else "rule"
        return queryset.filter(
            Exists(model.objects.filter(comment=OuterRef("pk"), **{field: code}))
        )

    def filter_q(self, queryset, name, value):
        return self.search_text(queryset, value, getattr(self.request, "user", None))


class LogFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=LogAction.choices, empty_label="Any action")
    moderator = django_filters.CharFilter(
        field_name="actor__username", lookup_expr="iexact", label="Moderator", max_length=150
    )
    article = django_filters.CharFilter(
        field_name="article__slug", label="Article (slug)", max_length=255
    )
    date_from = django_filters.DateFilter(
        field_name="created", lookup_expr="date__gte", label="From", widget=DATE
    )
    date_to = django_filters.DateFilter(
        field_name="created", lookup_expr="date__lte", label="To", widget=DATE
    )

    class Meta:
        model = LogEntry
        fields = []
