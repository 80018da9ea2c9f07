"""The time zone a page is shown in: the reader's own where they chose one, else the site's
(AGORA_TIME_ZONE). Django renders every aware time in the zone activated for the request
(templates' `date` filter, the thread's rows), so choosing it once per request is enough."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError

# Where the reader's choice is kept in their session: a page need not look up the profile.
SESSION_KEY = "agora_time_zone"


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every IANA zone this machine knows, sorted ("Africa/Abidjan" … "UTC")."""
    return tuple(sorted(zoneinfo.available_timezones()))


def zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone called `name`, or None for an empty or unknown name (rows written past the
    form, a zone a system update removed): the page then uses the site's."""
    if not name or name not in zone_names():
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def validate_time_zone(value: str) -> None:
    if value and zone(value) is None:
        raise ValidationError(
            "Choose a time zone from the list, such as Europe/Berlin.", code="unknown_zone"
        )
