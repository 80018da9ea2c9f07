import datetime
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.template import Context, Template

from moderation.diff import diff_html, revision_diffs
from moderation.models import LogEntry
from moderation.standing import standing_of


def test_diff_marks_removed_and_added_words():
    html = diff_html("the ferry is late", "the ferry is early")
    assert html == "the ferry is <del>late</del> <ins>early</ins>"


def test_diff_escapes_user_text():
    html = diff_html("<b>x</b>", "<script>alert(1)</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<del>&lt;b&gt;x&lt;/b&gt;</del>" in html


def test_identical_texts_have_no_marks():
    assert "<ins>" not in diff_html("same text", "same text")


def test_revision_diffs_compare_each_with_the_previous():
    revisions = [SimpleNamespace(body_source=t, created=None, editor="") for t in ("a b", "a c")]
    rows = revision_diffs(revisions)
    assert rows[0]["diff"] == "<ins>a b</ins>"
    assert rows[1]["diff"] == "a <del>b</del> <ins>c</ins>"


def test_template_filters():
    out = Template(
        "{% load moderation_tags %}{{ d|lookup:1 }}|{{ d|lookup:2|default:'none' }}"
        "|{% if s|contains:3 %}yes{% endif %}|{% if s|contains:4 %}no{% endif %}"
    ).render(Context({"d": {1: "one"}, "s": {3}}))
    assert out == "one|none|yes|"


def test_the_standing_command_uses_the_actions(moderator, reader):
    until = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    call_command("standing", "reader", "suspend", "--until", until, "--reason", "x", "--as", "mod")
    assert standing_of(reader).state == "suspended"
    assert LogEntry.objects.get().action == "suspend"
    with pytest.raises(CommandError):
        call_command("standing", "reader", "ban", "--reason", "x", "--as", "reader")
    with pytest.raises(CommandError):
        call_command("standing", "nobody", "ban", "--reason", "x", "--as", "mod")


def test_diff_keeps_line_breaks_as_br():
    assert diff_html("one\ntwo", "one\ntwo three") == "one<br>two <ins>three</ins>"
