"""The project's form renderer: the common widgets are written out in Python.

Django renders every widget through its template engine, and a select renders one more
template for each of its options. On the search page that was a fifth of the time to answer
(3 of 14 ms, for a form with a 40-source select). These widgets are simple enough to write
out directly; the renderer produces the markup of Django's own templates, attributes added by
the bound field included (a test compares the two for every widget it covers), and hands any
other template (radio lists, file inputs, whole forms) to the template engine as before.
"""

from html import escape

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"

# Django's templates for these are a single {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = frozenset(
    WIDGETS + name
    for name in (
        "input.html",
        "text.html",
        "search.html",
        "number.html",
        "email.html",
        "url.html",
        "tel.html",
        "password.html",
        "hidden.html",
        "date.html",
        "datetime.html",
        "time.html",
        "color.html",
        "checkbox.html",
    )
)


def conditional_escape(value) -> str:
    """django.utils.html.conditional_escape, without the lazy-string wrapper around it that
    cost a third of a 40-option select's time: safe strings as they are, the rest escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def attrs(attrs: dict) -> str:
    """attrs.html: False leaves an attribute out, True writes its name alone."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{attrs(widget["attrs"])}>'
    )


def render_option(option: dict) -> str:
    # select_option.html ends with a newline, which the select keeps.
    return (
        f'<option value="{conditional_escape(option["value"])}"{attrs(option["attrs"])}>'
        f"{conditional_escape(localize(option['label']))}</option>\n"
    )


def render_select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend("\n  " + render_option(option) for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_textarea(widget: dict) -> str:
    value = conditional_escape(localize(widget["value"])) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


RENDERERS = {
    **dict.fromkeys(INPUT_TEMPLATES, render_input),
    WIDGETS + "select.html": render_select,
    WIDGETS + "textarea.html": render_textarea,
}


class WidgetRenderer(DjangoTemplates):
    """FORM_RENDERER: the widgets above in Python, everything else through the templates."""

    def render(self, template_name, context, request=None):
        write = RENDERERS.get(template_name)
        if write is None or "widget" not in context:
            return super().render(template_name, context, request=request)
        # Option values and labels may come with their own template (a custom option
        # template), which only the template engine knows how to apply.
        if write is render_select and any(
            option["template_name"] != WIDGETS + "select_option.html"
            for _, options, _ in context["widget"]["optgroups"]
            for option in options
        ):
            return super().render(template_name, context, request=request)
        return mark_safe(write(context["widget"]))
