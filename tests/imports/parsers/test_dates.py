"""Comment times as pages write them in other languages: read where there is no guessing,
left empty otherwise (never a wrong date)."""

from datetime import UTC, datetime

import pytest

from imports.parsers.base import parse_datetime


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("29.07.2006 um 16:43", at(2006, 7, 29, 16, 43)),
        ("8. April 2019 @ 11:38", at(2019, 4, 8, 11, 38)),
        ("Mittwoch, Mai 10, 2017 4:14:00 PM", at(2017, 5, 10, 16, 14)),
        ("19. Juni 2018 um 15:28 Uhr", at(2018, 6, 19, 15, 28)),
        ("19. Juni 2019 / 6:16", at(2019, 6, 19, 6, 16)),
        ("3. März 2020", at(2020, 3, 3)),
        ("3. Maerz 2020", at(2020, 3, 3)),
        ("29 juillet 2006 à 16h43", at(2006, 7, 29, 16, 43)),
        ("1 févr. 2021", at(2021, 2, 1)),
        ("12 décembre 2021", at(2021, 12, 12)),
        ("8 de abril de 2019 a las 11:38", at(2019, 4, 8, 11, 38)),
        ("5 settembre 2015 alle 09:05", at(2015, 9, 5, 9, 5)),
        ("14 oktober 2016 om 21:10", at(2016, 10, 14, 21, 10)),
        ("1.12.2020, 09:05", at(2020, 12, 1, 9, 5)),
        ("Dezember 24, 2019 um 8:30 pm", at(2019, 12, 24, 20, 30)),
        # English stays as it was read before.
        ("Tuesday, June 17, 2014 9:12 AM", at(2014, 6, 17, 9, 12)),
        ("2014-06-17T09:12:00+02:00", datetime.fromisoformat("2014-06-17T09:12:00+02:00")),
    ],
)
def test_dates_in_other_languages_are_read(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2019",  # no such day
        "03/04/2019",  # March or April: not guessed
        "vor 2 Stunden",
        "il y a 3 jours",
        "2 weeks ago",
        "Version 1.2.3",
        "Mayday 12, 2019",
        "Antworten",
        "Kommentar von Ben am Montag",  # no date in it
        "Posted by Ben in a long story that mentions 8 April 2019 much later on",
    ],
)
def test_what_cannot_be_read_without_guessing_is_left_empty(text):
    assert parse_datetime(text) is None
