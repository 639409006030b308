"""Field types shared by several sections of a scenario (the generic ones are in ``sim.fields``):
weekdays, local clock times and the longest demand period every instant-relative field is held to.
"""

from __future__ import annotations

import re
from typing import Literal

from sim.fields import DAY, HOUR, MINUTE

#: Longest demand period: a year, leap day included. Disruptions and pinned cases are held to it.
MAX_DURATION = 366 * DAY

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: A local time of day, ``HH:MM`` on the 24-hour clock (``7:05`` and ``07:05`` alike).
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def clock_seconds(text: str) -> float:
    """Seconds after local midnight of an ``HH:MM`` time (already checked against ``CLOCK``)."""
    hours, minutes = text.split(":")
    return int(hours) * HOUR + int(minutes) * MINUTE
