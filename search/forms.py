from django import forms
from django.db import connection

from archive.models import Author, Source

SORTS = {"relevance": "Most relevant", "newest": "Newest first", "oldest": "Oldest first"}
TABS = {"articles": "Articles", "comments": "Comments"}


def source_choices() -> list[tuple[str, str]]:
    """Every source's slug and name, by name. Written as SQL: building and compiling the
    queryset cost four times as long as running it, on every search page."""
    quote = connection.ops.quote_name
    table, slug, name = (
        quote(n)
        for n in (
            Source._meta.db_table,
            *(Source._meta.get_field(f).column for f in ("slug", "name")),
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {slug}, {name} FROM {table} ORDER BY {name}, {slug}")
        return [("", "All sources"), *cursor.fetchall()]


class SearchForm(forms.Form):
    """The search page's parameters. The filter names are the article list's (source, author,
    date_from, date_to), so a filtered list and a search share their URLs' vocabulary. A bad
    value is reported and ignored: a search never fails on its parameters."""

    q = forms.CharField(label="Search for", required=False, strip=True)
    # The sources' slugs and names, read once for each form (see __init__): no model
    # instances for a select of every source in the archive (a fifth of the form's time
    # with 40 of them).
    source = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "There is no source with that name in the archive."},
    )
    author = forms.ModelChoiceField(
        queryset=Author.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "There is no author with that name in the archive."},
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label="Sort", choices=list(SORTS.items()), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A list, not a callable: the widget and the validation each read the choices.
        self.fields["source"].choices = source_choices()

    def value(self, name: str):
        """The cleaned value of a field, or None when it was empty or invalid."""
        if name in self.errors:
            return None
        return self.cleaned_data.get(name) or None
