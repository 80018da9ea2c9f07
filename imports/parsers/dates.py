"""Dates as pages write them in other languages than English, for comment times:
"19. Juni 2018 um 15:28 Uhr", "29.07.2006 um 16:43", "8. April 2019 @ 11:38",
"Mittwoch, Mai 10, 2017 4:14:00 PM", "29 juillet 2006 à 16h43", "8 de abril de 2019".

Only what can be read without guessing: a month by its name in German, French, Spanish,
Italian, Dutch or Portuguese (or English), or day.month.year with dots, which is day first
wherever it is written. Slashed dates (is 03/04 March or April?) and relative times
("vor 2 Stunden") are not read: an empty time is better than a wrong one.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

_NAMES = {
    1: "january jan januar jänner janvier janv enero ene gennaio gen januari janeiro",
    2: "february feb februar feber février fevrier févr fevr febrero febbraio februari "
    "fevereiro fev",
    3: "march mar märz maerz mrz mars marzo maart março",
    4: "april apr avril avr abril abr aprile",
    5: "may mai mayo maggio mei maio",
    6: "june jun juni juin junio giugno junho",
    7: "july jul juli juillet juil julio luglio julho",
    8: "august aug août aout agosto augustus ago",
    9: "september sep sept septembre septiembre setiembre settembre set setembro",
    10: "october oct oktober okt octobre octubre ottobre ott oktober outubro out",
    11: "november nov novembre noviembre novembre novembro",
    12: "december dec dezember dez décembre decembre déc diciembre dic dicembre dezembro",
}
MONTHS = {name: number for number, names in _NAMES.items() for name in names.split()}

_WORD = r"([^\W\d_]{3,12})\.?"
# "19. Juni 2018", "8 de abril de 2019", "29 juillet 2006"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\.?\s+(?:de\s+)?{_WORD}\s+(?:de\s+)?(\d{{4}})\b")
# "Mai 10, 2017", "avril 8 2019"
_MONTH_DAY_YEAR = re.compile(rf"\b{_WORD}\s+(\d{{1,2}}),?\s+(\d{{4}})\b")
# "29.07.2006", "1.2.2019"
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
# "16:43", "4:14:00 PM", "16h43", "16.43 Uhr" after the date
_CLOCK = re.compile(
    r"(\d{1,2})(?::|h|\.(?=\d\d\s*uhr))(\d{2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?", re.I
)
# What may stand between the date and its time: "um", "@", "/", "à", "a las", "at", ",", "-"
_BETWEEN = re.compile(r"[\s,/@\-–|]*(?:(?:um|à|a\s+las|alle|om|às|at|le)\s+)?", re.I)


def on_24_hours(hour: int, meridiem: str | None) -> int:
    """The hour of "4 PM" (meridiem "pm", "p.m.", "p"…) on a 24-hour clock."""
    marker = (meridiem or "").lower().replace(".", "")[:1]
    if marker == "p" and hour < 12:
        return hour + 12
    if marker == "a" and hour == 12:
        return 0
    return hour


def _month(word: str) -> int | None:
    word = word.lower()
    found = MONTHS.get(word)
    if found is None:
        bare = "".join(
            c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
        )
        found = MONTHS.get(bare)
    return found


def parse_human_datetime(value: str) -> datetime | None:
    """A naive datetime from a date written with its month's name or day.month.year, and
    the clock time right after it when there is one (midnight otherwise); None when no
    such date starts within the first 20 characters."""
    candidates = []
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy"), (_DOTTED, "dnY")):
        match = pattern.search(value)
        if match and match.start() <= 20:
            candidates.append((match.start(), match, order))
    for _start, match, order in sorted(candidates, key=lambda c: c[0]):
        if order == "dmy":
            day, month, year = int(match.group(1)), _month(match.group(2)), int(match.group(3))
        elif order == "mdy":
            month, day, year = _month(match.group(1)), int(match.group(2)), int(match.group(3))
        else:
            day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if not month:
            continue
        hour = minute = second = 0
        rest = value[match.end() :]
        between = _BETWEEN.match(rest)
        clock = _CLOCK.match(rest, between.end() if between else 0)
        if clock:
            hour, minute, second = (
                int(clock.group(1)),
                int(clock.group(2)),
                int(clock.group(3) or 0),
            )
            hour = on_24_hours(hour, clock.group(4))
        try:
            return datetime(year, month, day, hour, minute, second)
        except ValueError:
            continue  # 31.02., 25:61: not a date after all
    return None
