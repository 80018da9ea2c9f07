"""archive/dates.py: partial dates (a year, a month or a day) formatted and parsed in one place."""

import datetime

import pytest

from archive.dates import format_partial_date, iso_partial_date, parse_iso_partial_date
from archive.models import DatePrecision

DAY = datetime.date(2008, 4, 21)


@pytest.mark.parametrize(
    "precision, iso, words",
    [
        (DatePrecision.DAY, "2008-04-21", "21 April 2008"),
        (DatePrecision.MONTH, "2008-04", "April 2008"),
        (DatePrecision.YEAR, "2008", "2008"),
    ],
)
def test_it_formats_as_far_as_the_date_is_known(precision, iso, words):
    assert iso_partial_date(DAY, precision) == iso
    assert format_partial_date(DAY, precision) == words


def test_it_formats_no_date_as_empty():
    assert iso_partial_date(None, DatePrecision.DAY) == ""
    assert format_partial_date(None, DatePrecision.YEAR) == ""


def test_it_parses_what_it_formats():
    assert parse_iso_partial_date("2008-04-21") == (DAY, DatePrecision.DAY)
    assert parse_iso_partial_date(" 2008-04 ") == (datetime.date(2008, 4, 1), DatePrecision.MONTH)
    assert parse_iso_partial_date("2008") == (datetime.date(2008, 1, 1), DatePrecision.YEAR)


@pytest.mark.parametrize("value", ["", "April 2008", "2008-13", "2008-02-30", "08-04-21"])
def test_it_refuses_anything_looser(value):
    assert parse_iso_partial_date(value) is None
