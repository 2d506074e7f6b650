"""Calendar invites, pure: one meeting as an iCalendar (.ics) file, built with icalendar.

A meeting keeps one UID for its whole life; each change re-sends the invite with a higher
SEQUENCE (RFC 5546), so calendar apps update the event they already hold instead of adding
a second one. A cancellation is the same event with METHOD:CANCEL and STATUS:CANCELLED.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from icalendar import Calendar, Event

Method = Literal["REQUEST", "CANCEL"]
PRODID = "-//actionlab//Action Lab meetings//EN"


def invite(
    *, uid: str, title: str, description: str, starts_at: datetime, duration: timedelta,
    sequence: int, method: Method, stamp: datetime,
) -> bytes:
    """The .ics bytes for one meeting: DTSTART in UTC, a DURATION, and `stamp` (now) as
    DTSTAMP; `method` REQUEST schedules or updates it, CANCEL withdraws it."""
    if starts_at.tzinfo is None or stamp.tzinfo is None:
        raise ValueError("invite() needs aware datetimes")
    if duration <= timedelta(0):
        raise ValueError("a meeting needs a positive duration")
    if sequence < 0:
        raise ValueError("SEQUENCE starts at 0")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("duration", duration)
    event.add("summary", title)
    event.add("description", description)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
