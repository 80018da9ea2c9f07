"""A honeypot field for public forms (comments, sign-up): people never see it, naive bots fill
every field they find. The field is hidden by the `.hp-field` CSS class, not by `type=hidden`
(bots skip hidden inputs) and not by an inline style (the Content-Security-Policy forbids them);
it is also out of the tab order and hidden from assistive technology. The sign-up and comment
forms both use it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

HONEYPOT_FIELD = "website"
# Deliberately vague: telling a bot which field gave it away helps it adapt.
HONEYPOT_MESSAGE = "This form could not be accepted. Please try again."


class HoneypotMixin:
    """Mix into a Form or ModelForm before the form class:

        class CommentForm(HoneypotMixin, forms.ModelForm): ...

    and render `{{ form.website }}` inside `<div class="hp-field" aria-hidden="true">`, or let
    the form render all fields: the widget itself carries the class. A form may set
    `honeypot_message` to word the refusal like its other refusals."""

    honeypot_message = HONEYPOT_MESSAGE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            label="Leave this field empty",
            widget=forms.TextInput(
                attrs={
                    "class": "hp-field",
                    "autocomplete": "off",
                    "tabindex": "-1",
                    "aria-hidden": "true",
                }
            ),
        )

    def clean(self):
        cleaned = super().clean()
        if self.honeypot_filled():
            raise ValidationError(self.honeypot_message, code="honeypot")
        return cleaned

    def honeypot_filled(self) -> bool:
        return bool((self.data.get(self.add_prefix(HONEYPOT_FIELD)) or "").strip())
