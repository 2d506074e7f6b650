"""A meeting's time against the lab's rules (`bot.domain.meetings.concerns`), with what it
needs loaded: the lab's hours and days, and its other scheduled meetings."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.meetings import Concern, LabHours, OtherMeeting, concerns
from bot.domain.when import parse_days
from storage.models import Lab
from storage.uow import UnitOfWork


def lab_hours(lab: Lab) -> LabHours:
    return LabHours(lab.timezone, (lab.window_start, lab.window_end), parse_days(lab.days))


async def meeting_concerns(uow: UnitOfWork, lab: Lab, starts_at: datetime, length: timedelta,
                           *, now: datetime, besides: int | None = None) -> list[Concern]:
    """What is outside the lab's rules about a meeting at `starts_at`; `besides` is the
    meeting being moved (it does not clash with itself). Meetings over by `now` are left
    out; `now` may be `starts_at` itself, since only those still going then can overlap."""
    others = [OtherMeeting(m.number, m.title, m.starts_at,
                           timedelta(minutes=m.duration_minutes))
              for m in await uow.meetings.upcoming([lab.id], now, limit=10_000)
              if m.id != besides]
    return concerns(starts_at, length, lab_hours(lab), others)
