"""Quiet hours: when a message must wait for the reader's night to end in their own zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.reminders.states import Planned, ReminderKind
from bot.domain.when import parse_clock
from bot.domain.zones import wall_time


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """"21:00-08:00" -> (21:00, 08:00); the window may cross midnight."""
    start, end = text.strip().split("-")
    return parse_clock(start), parse_clock(end)


def _quiet_night(moment: datetime, zone: str, window: tuple[time, time]
                 ) -> tuple[date, date] | None:
    """The local days the quiet hours around `moment` begin and end on; None if not quiet."""
    start, end = window
    if start == end:
        return None
    local = moment.astimezone(ZoneInfo(zone))
    clock, today = local.time().replace(tzinfo=None), local.date()
    if start > end:  # crosses midnight: 21:00-08:00
        if clock >= start:
            return today, today + timedelta(days=1)
        if clock < end:
            return today - timedelta(days=1), today
        return None
    if start <= clock < end:  # within a day: 00:00-07:00
        return today, today
    return None


def quiet_until(moment: datetime, zone: str, window: tuple[time, time]) -> datetime | None:
    """If `moment` falls in the quiet hours `window` of `zone`, the UTC moment they end.

    None when it is not quiet there. The end is 08:00 on the local wall clock, whatever
    daylight saving does that night.
    """
    night = _quiet_night(moment, zone, window)
    if night is None:
        return None
    return wall_time(night[1], window[1], zone).moment


def quiet_since(moment: datetime, zone: str, window: tuple[time, time]) -> datetime | None:
    """If `moment` falls in the quiet hours `window` of `zone`, the UTC moment they began
    (21:00 on the wall clock that evening, whatever daylight saving does); None if not quiet."""
    night = _quiet_night(moment, zone, window)
    if night is None:
        return None
    return wall_time(night[0], window[0], zone).moment


def hold_until(moment: datetime, zone: str, window: tuple[time, time], *,
               exempt: bool = False, starts_at: datetime | None = None) -> datetime | None:
    """When a message due at `moment` must wait for the end of quiet hours in `zone`: that
    moment, or None if it may go now.

    Exempt messages (meeting-start reminders, posts in a channel) never wait, and neither does
    a meeting reminder whose wait would end at or after the meeting's start (`starts_at`):
    late is worse than early there.
    """
    if exempt:
        return None
    until = quiet_until(moment, zone, window)
    if until is None or (starts_at is not None and until >= starts_at):
        return None
    return until


def hold_reminder(r: Planned, moment: datetime, zone: str, window: tuple[time, time]
                  ) -> datetime | None:
    """When `r`, due at `moment`, must wait for quiet hours in `zone` to end (None: it may go):
    posts in a lab's channel and meeting-start reminders never wait, and a meeting reminder
    waits only while the wait ends before the meeting starts."""
    return hold_until(
        moment, zone, window,
        exempt=r.quiet_exempt or r.recipient_id is None,
        starts_at=r.subject_at if r.kind is ReminderKind.MEETING else None,
    )
