"""Reading times people type: clock times, windows, durations, weekday sets."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from bot.i18n import _, localized

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DURATION = re.compile(r"^\s*(\d+)\s*(d|h|m|s|min|mins|hours?|days?)\s*$", re.IGNORECASE)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_clock(text: str) -> time:
    """"09:00" -> time(9, 0). 24-hour clock."""
    m = _CLOCK.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a time of day; use HH:MM, 24-hour, e.g. 09:00")
    return time(int(m.group(1)), int(m.group(2)))


def parse_window(text: str) -> tuple[time, time]:
    """"09:00-18:00" -> (09:00, 18:00); the end must come after the start."""
    parts = text.strip().split("-")
    if len(parts) != 2:
        raise ValueError(f"{text!r} is not a window; use HH:MM-HH:MM, e.g. 09:00-18:00")
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if end == start:
        raise ValueError(f"The window {text} is empty: it starts and ends at {start:%H:%M}. "
                         "Give a span, e.g. 09:00-18:00.")
    if end < start:
        raise ValueError(f"The window {text} ends before it starts; e.g. 09:00-18:00.")
    return start, end


def format_window(start: time, end: time) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


# The one limit on how far ahead anything can be set: a poll's days, a meeting, a vote's
# close, an action's due date. Further is a typo in the year, not a plan.
MAX_AHEAD = timedelta(days=731)  # two years


def too_far_ahead(day: date, today: date) -> str | None:
    """Why `day` is refused (more than two years after `today`), or None when it is fine."""
    if day - today <= MAX_AHEAD:
        return None
    return (_("{day:%a %d %b %Y} is more than two years ahead (today is {today:%a %d %b %Y}). "
            "Check the year.").format(day=localized(day), today=localized(today)))


MAX_DURATION = timedelta(days=3660)  # ten years: longer is a typo, not a plan


def parse_duration(text: str | int) -> timedelta:
    """"90m", "24h", "14d", "30s" -> timedelta; a bare number means minutes. At most ten
    years, so a slip of the keyboard gets a message instead of an overflow."""
    if isinstance(text, int):
        n, unit = text, "m"
    elif text.strip().isdigit():
        n, unit = int(text), "m"
    else:
        m = _DURATION.match(text)
        if not m:
            raise ValueError(f"{text!r} is not a duration; use e.g. 15m, 24h or 14d")
        n, unit = int(m.group(1)), m.group(2).lower()[0]
    seconds = {"d": 86400, "h": 3600, "m": 60, "s": 1}[unit]
    if n * seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"{text} is longer than ten years; use e.g. 15m, 24h or 14d")
    return timedelta(seconds=n * seconds)


def parse_days(text: str) -> frozenset[int]:
    """"mon-fri" -> {0..4}; "mon,wed,fri"; "weekdays"; "all". Monday is 0."""
    spec = text.strip().lower()
    if spec in ("weekdays", "mon-fri"):
        return frozenset(range(5))
    if spec in ("all", "every day", "daily", "mon-sun"):
        return frozenset(range(7))
    if spec == "weekends":
        return frozenset({5, 6})
    out: set[int] = set()
    for part in spec.replace(" ", "").split(","):
        if "-" in part:
            a, b = part.split("-", 1)
            i, j = _day(a), _day(b)
            out.update(range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)])
        elif part:
            out.add(_day(part))
    if not out:
        raise ValueError(f"{text!r} names no days; use e.g. mon-fri or mon,wed,fri")
    return frozenset(out)


def _day(name: str) -> int:
    key = name[:3]
    if key not in DAY_NAMES or not DAY_NAMES[DAY_NAMES.index(key)].startswith(name[:3]):
        raise ValueError(f"{name!r} is not a day; use mon, tue, wed, thu, fri, sat or sun")
    return DAY_NAMES.index(key)


def format_days(days: frozenset[int]) -> str:
    if days == frozenset(range(5)):
        return "mon-fri"
    if days == frozenset(range(7)):
        return _("every day")
    return ",".join(DAY_NAMES[d] for d in sorted(days))
