import django_filters
from django import forms

from .models import Article, Author, Source

SORTS = {
    "newest": ("Newest first", "newest"),
    "oldest": ("Oldest first", "oldest"),
    "discussed": ("Most discussed", "most_discussed"),
}


class ArticleFilter(django_filters.FilterSet):
    """The article list's filters. Every value lives in the URL, so a filtered list can be
    bookmarked and shared; invalid values become form errors, never exceptions."""

    source = django_filters.ModelChoiceFilter(
        queryset=Source.objects.all(),
        to_field_name="slug",
        empty_label="All sources",
        error_messages={"invalid_choice": "There is no source with that name in the archive."},
    )
    author = django_filters.ModelChoiceFilter(
        queryset=Author.objects.all(),
        to_field_name="slug",
        empty_label="All authors",
        field_name="authors",
        label="Author",
        error_messages={"invalid_choice": "There is no author with that name in the archive."},
    )
    year = django_filters.NumberFilter(
        field_name="published",
        lookup_expr="year",
        label="Year",
        min_value=1000,
        max_value=9999,
        widget=forms.NumberInput(attrs={"placeholder": "e.g. 2014"}),
    )
    date = django_filters.DateFilter(
        field_name="published",
        label="Published on",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_from = django_filters.DateFilter(
        field_name="published",
        lookup_expr="gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="published",
        lookup_expr="lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    has_discussion = django_filters.BooleanFilter(
        method="filter_has_discussion",
        label="With discussion only",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        method="filter_sort",
        empty_label=None,
        label="Sort",
    )

    class Meta:
        model = Article
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        # An empty sort means the default order; keep the form bound so errors still show.
        super().__init__(data, *args, **kwargs)
        self.form.fields["sort"].required = False

    def filter_has_discussion(self, queryset, name, value):
        return queryset.with_discussion() if value else queryset

    def filter_sort(self, queryset, name, value):
        return queryset

    @property
    def sort_key(self) -> str:
        value = self.form.cleaned_data.get("sort") if self.form.is_valid() else None
        return value if value in SORTS else "newest"

    def sorted_qs(self):
        """Filtered rows in the chosen order (newest first unless asked otherwise)."""
        method = SORTS[self.sort_key][1]
        return getattr(self.qs, method)()
