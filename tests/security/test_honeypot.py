from django import forms

from web.honeypot import HONEYPOT_MESSAGE, HoneypotMixin


class CommentLikeForm(HoneypotMixin, forms.Form):
    body = forms.CharField()


def test_a_person_leaving_the_trap_empty_gets_through():
    form = CommentLikeForm({"body": "A fair point.", "website": ""})
    assert form.is_valid(), form.errors
    assert "website" in form.cleaned_data and form.cleaned_data["body"] == "A fair point."


def test_a_bot_filling_the_trap_gets_a_generic_error():
    form = CommentLikeForm({"body": "Buy now", "website": "https://spam.example"})
    assert not form.is_valid()
    assert form.non_field_errors() == [HONEYPOT_MESSAGE]
    assert "website" not in str(form.non_field_errors()).lower()


def test_whitespace_only_counts_as_empty():
    assert CommentLikeForm({"body": "Hi", "website": "   "}).is_valid()


def test_the_trap_is_hidden_by_css_class_not_by_inline_style_or_type_hidden():
    html = str(CommentLikeForm()["website"])
    assert 'class="hp-field"' in html
    assert 'type="text"' in html
    assert "style=" not in html
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html


def test_it_works_with_a_prefix_and_a_model_form():
    from django.contrib.auth.models import User

    class NameForm(HoneypotMixin, forms.ModelForm):
        class Meta:
            model = User
            fields = ["first_name"]

    form = NameForm({"p-first_name": "Ada", "p-website": "x"}, prefix="p")
    assert not form.is_valid()
    assert NameForm({"p-first_name": "Ada"}, prefix="p").is_valid()


def test_the_stylesheet_hides_the_trap():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    assert ".hp-field" in css
