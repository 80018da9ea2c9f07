"""Partial dates: a publication date known to the day, the month or only the year.

A month or a year is stored as its first day beside its precision ("day", "month" or "year",
archive.models.DatePrecision's values). One place formats and parses them, for the pages, the
text format, the admin's preview, manifests and backups.
"""

from __future__ import annotations

import re
from datetime import date

DAY, MONTH, YEAR = "day", "month", "year"
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def iso_partial_date(value: date | None, precision: str) -> str:
    """YYYY-MM-DD, YYYY-MM or YYYY as far as the date is known; "" without a date."""
    if value is None:
        return ""
    if precision == YEAR:
        return f"{value.year:04d}"
    if precision == MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def format_partial_date(value: date | None, precision: str) -> str:
    """ "21 April 2008", "April 2008" or "2008" according to what is known."""
    if value is None:
        return ""
    if precision == YEAR:
        return str(value.year)
    if precision == MONTH:
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"


def parse_iso_partial_date(value: str) -> tuple[date, str] | None:
    """(date, precision) of YYYY-MM-DD, YYYY-MM or YYYY (nothing looser); None otherwise."""
    match = _ISO.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        parsed = date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return parsed, DAY if day else MONTH if month else YEAR
