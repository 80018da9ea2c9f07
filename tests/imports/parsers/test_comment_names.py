"""Commenters' names without the words and controls themes write around them."""

import pytest

from imports.parsers.names import clean_author_name


@pytest.mark.parametrize(
    "shown, name",
    [
        ("Jeremy Banks says: January 20, 2020 at 11:27 am", "Jeremy Banks"),
        ("Martina Berg\nAutor", "Martina Berg"),
        ("Ben 19. Juni 2018 um 15:28 Uhr - Antworten", "Ben"),
        ("Posted by liz", "liz"),
        ("View all posts by Daniel Lemire", "Daniel Lemire"),
        ("Autor john", "john"),
        ("Claire dit :", "Claire"),
        ("Hans schreibt:", "Hans"),
        ("Ana Post author", "Ana"),
        ("Lee | Reply", "Lee"),
    ],
)
def test_the_chrome_around_a_name_goes(shown, name):
    assert clean_author_name(shown) == name


@pytest.mark.parametrize(
    "name", ["Don L", "liz", "John Q.", "Anna-Lena Meier", "Bob 2000", "Dr. Sayeed", "李小龍"]
)
def test_names_are_left_as_they_are(name):
    assert clean_author_name(name) == name


@pytest.mark.parametrize("shown", ["", None, "  ", " - "])
def test_nothing_left_is_no_name(shown):
    assert clean_author_name(shown) is None
