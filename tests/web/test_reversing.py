"""cached_reverse gives what reverse gives, whatever the script prefix and URLconf."""

from django.test.utils import override_settings
from django.urls import path, reverse, set_script_prefix

from web.reversing import _reverse, cached_reverse


def test_it_gives_what_reverse_gives():
    assert cached_reverse("archive:article", "a-slug") == reverse(
        "archive:article", args=["a-slug"]
    )
    assert cached_reverse("comments:permalink", 12) == reverse("comments:permalink", args=[12])


def test_a_path_is_reversed_once_and_then_remembered():
    _reverse.cache_clear()
    cached_reverse("archive:source", "the-gazette")
    cached_reverse("archive:source", "the-gazette")
    info = _reverse.cache_info()
    assert (info.hits, info.misses) == (1, 1)


def test_the_script_prefix_is_part_of_what_it_remembers():
    before = cached_reverse("archive:source", "the-gazette")
    set_script_prefix("/agora/")
    try:
        assert cached_reverse("archive:source", "the-gazette") == "/agora" + before
    finally:
        set_script_prefix("/")
    assert cached_reverse("archive:source", "the-gazette") == before


def _view(request):  # pragma: no cover - never called
    raise AssertionError


urlpatterns = [path("elsewhere/<slug:slug>/", _view, name="elsewhere")]


def test_a_new_urlconf_empties_its_memory():
    cached_reverse("archive:source", "the-gazette")
    with override_settings(ROOT_URLCONF=__name__):
        assert _reverse.cache_info().currsize == 0
        assert cached_reverse("elsewhere", "x") == "/elsewhere/x/"
