"""A meeting's states, and the rule of when it can still be moved or cancelled."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.domain.wording import meeting_name


class MeetingStatus(StrEnum):
    """A meeting's state, stored as these strings in `meetings.status`."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


def why_unchangeable(number: int, title: str, status: MeetingStatus, starts_at: datetime,
                     now: datetime) -> str | None:
    """Why the meeting can no longer be moved or cancelled (cancelled, or already begun);
    None while it can."""
    if status == MeetingStatus.CANCELLED:
        return f"{meeting_name(number, title, start=True)} is cancelled already."
    if starts_at <= now:
        return (f"{meeting_name(number, title, start=True)} has already begun; it can no "
                "longer be moved or cancelled.")
    return None


def why_not_restorable(number: int, title: str, status: MeetingStatus, starts_at: datetime,
                       now: datetime) -> str | None:
    """Why a meeting cannot be restored (it is not cancelled, or its time has passed);
    None when it can."""
    if status != MeetingStatus.CANCELLED:
        return f"{meeting_name(number, title, start=True)} is not cancelled; nothing to restore."
    if starts_at <= now:
        return (f"{meeting_name(number, title, start=True)} was due to start before now, so "
                "it cannot be restored; schedule a new one from a poll with `/lab poll pick`.")
    return None
