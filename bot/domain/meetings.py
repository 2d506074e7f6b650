"""A meeting's states, the rule of when it can still be moved or cancelled, and the rule of
when its time is outside the lab's hours, days, or on another meeting's time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.when import format_days, format_window
from bot.domain.wording import meeting_name
from bot.domain.zones import format_local
from bot.i18n import _


class MeetingStatus(StrEnum):
    """A meeting's state, stored as these strings in `meetings.status`."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


def why_unchangeable(number: int, title: str, status: MeetingStatus, starts_at: datetime,
                     now: datetime) -> str | None:
    """Why the meeting can no longer be moved or cancelled (cancelled, or already begun);
    None while it can."""
    if status == MeetingStatus.CANCELLED:
        return _("{meeting_name} is cancelled already.").format(
            meeting_name=meeting_name(number, title, start=True))
    if starts_at <= now:
        return (_("{meeting_name} has already begun; it can no "
                "longer be moved or cancelled.").format(
            meeting_name=meeting_name(number, title, start=True)))
    return None


# --- a meeting's time against the lab's rules ------------------------------------------------


class ConcernKind(StrEnum):
    """Why a meeting's time is one the facilitator is asked to confirm."""

    HOURS = "hours"  # starts before or ends after the lab's window, in the lab's zone
    DAY = "day"  # on a day the lab does not meet, in the lab's zone
    CLASH = "clash"  # overlaps another scheduled meeting of the lab


@dataclass(frozen=True, slots=True)
class OtherMeeting:
    """Another scheduled meeting of the lab, as the clash rule needs it."""

    number: int
    title: str
    starts_at: datetime
    length: timedelta


@dataclass(frozen=True, slots=True)
class Concern:
    kind: ConcernKind
    other: OtherMeeting | None = None

    @property
    def mark(self) -> str:
        """What the meeting's card says, in a few words."""
        if self.kind is ConcernKind.HOURS:
            return _("outside the lab's hours")
        if self.kind is ConcernKind.DAY:
            return _("not one of the lab's meeting days")
        assert self.other is not None
        return _("same time as {title}").format(title=self.other.title)


@dataclass(frozen=True, slots=True)
class LabHours:
    """The lab's meeting rules: its zone, its daily window and its days (Monday is 0)."""

    zone: str
    window: tuple[time, time]
    days: frozenset[int]


def concerns(starts_at: datetime, length: timedelta, hours: LabHours,
             others: Sequence[OtherMeeting] = ()) -> list[Concern]:
    """What is outside the lab's rules about a meeting from `starts_at` for `length`: before
    or after its window or on another day (both read on the wall clock of the lab's zone, so
    09:00 stays 09:00 across daylight-saving changes), and every other meeting whose time
    overlaps it. Empty when the time is one the lab expects."""
    local = starts_at.astimezone(ZoneInfo(hours.zone))
    end = (starts_at + length).astimezone(ZoneInfo(hours.zone))
    out: list[Concern] = []
    inside = (local.time() >= hours.window[0] and end.date() == local.date()
              and end.time() <= hours.window[1])
    if not inside:
        out.append(Concern(ConcernKind.HOURS))
    if local.weekday() not in hours.days:
        out.append(Concern(ConcernKind.DAY))
    for other in others:
        if other.starts_at < starts_at + length and starts_at < other.starts_at + other.length:
            out.append(Concern(ConcernKind.CLASH, other))
    return out


def explain(concern: Concern, starts_at: datetime, length: timedelta, hours: LabHours,
            reader_zone: str) -> str:
    """One sentence on `concern`, with the times in the reader's zone and the lab's, both
    named (one zone if they are the same)."""
    def both(moment: datetime) -> str:
        mine = format_local(moment, reader_zone)
        if reader_zone == hours.zone:
            return mine
        return _("{mine}, which is {format_local} for the lab").format(
            mine=mine, format_local=format_local(moment, hours.zone))

    minutes = int(length.total_seconds() // 60)
    if concern.kind is ConcernKind.HOURS:
        return (_("{minutes} minutes from {both}, is outside the lab's hours "
                "({format_window} {zone}).").format(
            minutes=minutes, both=both(starts_at), format_window=format_window(*hours.window),
            zone=hours.zone))
    if concern.kind is ConcernKind.DAY:
        day = starts_at.astimezone(ZoneInfo(hours.zone))
        return (_("{day:%A} (in {zone}) is not one of the lab's meeting days "
                "({format_days}).").format(
            day=day, zone=hours.zone, format_days=format_days(hours.days)))
    other = concern.other
    assert other is not None
    return (_("It overlaps {meeting_name} "
            "({number} minutes from {both}).").format(
        meeting_name=meeting_name(other.number, other.title),
        number=int(other.length.total_seconds() // 60), both=both(other.starts_at)))


def slots_outside(starts: Sequence[datetime], length: timedelta, hours: LabHours
                  ) -> list[tuple[datetime, list[Concern]]]:
    """The poll slots (or meetings) among `starts` that are outside the lab's hours or days,
    each with what is outside; the others are left out."""
    return [(s, found) for s in starts if (found := concerns(s, length, hours))]


def why_not_restorable(number: int, title: str, status: MeetingStatus, starts_at: datetime,
                       now: datetime) -> str | None:
    """Why a meeting cannot be restored (it is not cancelled, or its time has passed);
    None when it can."""
    if status != MeetingStatus.CANCELLED:
        return _("{meeting_name} is not cancelled; nothing to restore.").format(
            meeting_name=meeting_name(number, title, start=True))
    if starts_at <= now:
        return (_("{meeting_name} was due to start before now, so "
                "it cannot be restored; schedule a new one from a poll with `/lab poll "
                "pick`.").format(
            meeting_name=meeting_name(number, title, start=True)))
    return None
