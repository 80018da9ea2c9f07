"""Browsing the archive by publication date: the years, a year's months, a month's articles.

A date known only to the year is stored as 1 January (archive.dates): such an article belongs
to its year but to no month, so the month counts and pages leave it out and the year page
counts it apart. Every query here is a range of the `published` index; counting the years
reads the whole table once and is kept as a page-cache fragment.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse

from .dates import YEAR
from .models import Article, ArticleQuerySet

FIRST_YEAR, LAST_YEAR = 1, 9999


@dataclass(frozen=True)
class Period:
    """A year, or a month of a year."""

    year: int
    month: int | None = None

    @classmethod
    def of(cls, year: int, month: int | None = None) -> Period | None:
        """The period, or None for a year or month that no calendar has."""
        if not FIRST_YEAR <= year <= LAST_YEAR or (month is not None and not 1 <= month <= 12):
            return None
        return cls(year, month)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.month or 1, 1)

    @property
    def end(self) -> datetime.date | None:
        """The first day after the period (None past the calendar's end)."""
        if self.month is None or self.month == 12:
            return datetime.date(self.year + 1, 1, 1) if self.year < LAST_YEAR else None
        return datetime.date(self.year, self.month + 1, 1)

    @property
    def label(self) -> str:
        return f"{self.start:%B} {self.year}" if self.month else str(self.year)

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"

    def get_absolute_url(self) -> str:
        if self.month:
            return reverse("archive:month", args=[self.year, self.month])
        return reverse("archive:year", args=[self.year])

    def articles(self) -> ArticleQuerySet:
        """Its articles: for a month, those dated to the day or the month within it."""
        rows = Article.objects.filter(published__gte=self.start)
        if self.end is not None:
            rows = rows.filter(published__lt=self.end)
        if self.month is not None:
            rows = rows.exclude(published_precision=YEAR)
        return rows

    def previous(self) -> Period | None:
        """The nearest earlier period of the same kind that has articles."""
        rows = Article.objects.filter(published__lt=self.start)
        if self.month is not None:
            rows = rows.exclude(published_precision=YEAR)
        found = rows.order_by("-published").values_list("published", flat=True).first()
        return self._same_kind(found)

    def next(self) -> Period | None:
        """The nearest later period of the same kind that has articles."""
        if self.end is None:
            return None
        rows = Article.objects.filter(published__gte=self.end)
        if self.month is not None:
            rows = rows.exclude(published_precision=YEAR)
        found = rows.order_by("published").values_list("published", flat=True).first()
        return self._same_kind(found)

    def _same_kind(self, day: datetime.date | None) -> Period | None:
        if day is None:
            return None
        return Period(day.year, day.month if self.month is not None else None)


@dataclass(frozen=True)
class Tally:
    """A period and its number of articles."""

    period: Period
    count: int


def years() -> list[Tally]:
    """Every year with articles, newest first, with its number of articles."""
    rows = (
        Article.objects.filter(published__isnull=False)
        .order_by()
        .annotate(year=ExtractYear("published"))
        .values("year")
        .annotate(count=Count("id"))
    )
    found = [Tally(Period(row["year"]), row["count"]) for row in rows]
    return sorted(found, key=lambda entry: entry.period.year, reverse=True)


def months(year: int) -> tuple[list[Tally], int]:
    """The twelve months of `year` with their articles (0 for none), and how many articles
    of the year are dated only to the year."""
    period = Period(year)
    rows = (
        period.articles()
        .order_by()
        .annotate(month=ExtractMonth("published"))
        .values("published_precision", "month")
        .annotate(count=Count("id"))
    )
    per_month = dict.fromkeys(range(1, 13), 0)
    year_only = 0
    for row in rows:
        if row["published_precision"] == YEAR:
            year_only += row["count"]
        else:
            per_month[row["month"]] += row["count"]
    return [Tally(Period(year, month), n) for month, n in per_month.items()], year_only
