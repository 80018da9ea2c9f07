"""The form renderer writes the common widgets in Python: the same markup as Django's own
templates, which it still uses for everything else."""

import datetime
from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.utils import override_settings
from django.utils.safestring import mark_safe

from web.form_rendering import INPUT_TEMPLATES, WidgetRenderer

HOSTILE = '"><script>alert(1)</script>&amp;'


class EveryWidget(forms.Form):
    text = forms.CharField(help_text="Help for the text.", max_length=20)
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))
    number = forms.IntegerField(min_value=1, max_value=9999)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    agree = forms.BooleanField(required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    sort = forms.ChoiceField(choices=[("new", "Newest"), ("old", 'Oldest "first"')])
    grouped = forms.ChoiceField(
        choices=[("", "Any"), ("Fruit", [("a", "Apple"), ("b", "<b>Banana</b>")]), ("c", 3)]
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    colour = forms.CharField(widget=forms.TextInput(attrs={"type": "color"}), required=False)


DATA = [
    {},
    {
        "text": HOSTILE,
        "search": "C++ & <things>",
        "number": "12",
        "email": "not an address",
        "url": "javascript:alert(1)",
        "password": HOSTILE,
        "hidden": HOSTILE,
        "date": "2014-02-30",
        "when": "2014-02-03 10:00",
        "time": "10:61",
        "agree": "on",
        "body": "<p>Two\nlines & more</p>",
        "sort": "old",
        "grouped": "b",
        "many": ["x", "y"],
        "colour": "#ff0000",
    },
]


@pytest.mark.parametrize("data", DATA, ids=["unbound-ish", "hostile and invalid"])
def test_every_widget_renders_as_djangos_own_templates_do(data):
    form = EveryWidget(data or None, initial={"date": datetime.date(2014, 2, 3), "number": 7})
    form.is_valid()
    ours, theirs = WidgetRenderer(), DjangoTemplates()
    for field in form:
        # The bound field's own attributes (aria-describedby, aria-invalid…) come along.
        mine = field.field.widget.render(
            field.html_name, field.value(), field.build_widget_attrs({}), renderer=ours
        )
        django_s = field.field.widget.render(
            field.html_name, field.value(), field.build_widget_attrs({}), renderer=theirs
        )
        assert mine == django_s, field.name


@pytest.mark.parametrize("data", DATA, ids=["unbound-ish", "hostile and invalid"])
def test_a_whole_form_renders_the_same_with_either_renderer(data):
    def rendered(renderer):
        form = EveryWidget(data or None, renderer=renderer)
        form.is_valid()
        return form.render()

    assert rendered(WidgetRenderer()) == rendered(DjangoTemplates())


def test_a_safe_value_is_not_escaped_twice_and_an_unsafe_one_is_escaped():
    widget = forms.TextInput()
    for value in (mark_safe("a &amp; b"), "a & b", 3, None):
        assert widget.render("x", value, renderer=WidgetRenderer()) == widget.render(
            "x", value, renderer=DjangoTemplates()
        )
    assert 'value="a &amp; b"' in widget.render("x", "a & b", renderer=WidgetRenderer())


def test_other_widgets_still_go_through_the_templates():
    radio = forms.RadioSelect(choices=[("a", "A")])
    assert radio.render("r", "a", renderer=WidgetRenderer()) == radio.render(
        "r", "a", renderer=DjangoTemplates()
    )


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_option_labels_are_localized_as_the_template_would():
    widget = forms.Select(choices=[(1, 12345), (2, "two")])
    assert widget.render("n", 1, renderer=WidgetRenderer()) == widget.render(
        "n", 1, renderer=DjangoTemplates()
    )


def test_the_templates_it_stands_in_for_are_still_djangos_plain_input():
    # After a Django upgrade: each of these must still be exactly the input template.
    widgets = Path(django.__file__).parent / "forms" / "templates"
    for name in INPUT_TEMPLATES - {"django/forms/widgets/input.html"}:
        assert (widgets / name).read_text().strip() == (
            '{% include "django/forms/widgets/input.html" %}'
        ), name


def test_the_site_uses_it(settings):
    assert settings.FORM_RENDERER == "web.form_rendering.WidgetRenderer"
    assert isinstance(forms.Form().renderer or _default(), WidgetRenderer)


def _default():
    from django.forms.renderers import get_default_renderer

    return get_default_renderer()
