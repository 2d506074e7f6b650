"""Meetings scheduled from polls or by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meetings import MeetingStatus
from storage.models import Meeting
from storage.repositories.helpers import fits


class MeetingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, meeting_id: int) -> Meeting | None:
        if not fits(meeting_id):
            return None
        return await self.session.get(Meeting, meeting_id)

    async def by_number(self, lab_id: int, number: int) -> Meeting | None:
        if not fits(lab_id, number):
            return None
        stmt = select(Meeting).where(Meeting.lab_id == lab_id, Meeting.number == number)
        return (await self.session.scalars(stmt)).one_or_none()

    async def next_number(self, lab_id: int) -> int:
        stmt = select(func.max(Meeting.number)).where(Meeting.lab_id == lab_id)
        return int((await self.session.scalar(stmt)) or 0) + 1

    async def add(self, meeting: Meeting) -> Meeting:
        self.session.add(meeting)
        await self.session.flush()
        return meeting

    async def of_lab(self, lab_id: int) -> Sequence[Meeting]:
        stmt = select(Meeting).where(Meeting.lab_id == lab_id).order_by(Meeting.starts_at)
        return (await self.session.scalars(stmt)).all()

    async def of_poll(self, poll_id: int) -> Sequence[Meeting]:
        stmt = (select(Meeting)
                .where(Meeting.poll_id == poll_id, Meeting.status == MeetingStatus.SCHEDULED)
                .order_by(Meeting.starts_at))
        return (await self.session.scalars(stmt)).all()

    async def upcoming(self, lab_ids: Sequence[int], now: datetime,
                       limit: int = 50) -> Sequence[Meeting]:
        """Scheduled meetings not yet over, soonest first."""
        if not lab_ids:
            return []
        # A meeting under way still counts as upcoming until it ends; the longest we hold
        # is a day, so fetch from a day back and keep those not yet over.
        stmt = (select(Meeting)
                .where(Meeting.lab_id.in_(lab_ids), Meeting.status == MeetingStatus.SCHEDULED,
                       Meeting.starts_at > now - timedelta(days=1))
                .order_by(Meeting.starts_at, Meeting.id))
        rows = (await self.session.scalars(stmt)).all()
        return [m for m in rows
                if m.starts_at + timedelta(minutes=m.duration_minutes) > now][:limit]

    async def under_way(self, lab_id: int, now: datetime,
                        early: timedelta = timedelta(minutes=30)) -> Meeting | None:
        """The scheduled meeting going on at `now`, or starting within `early` (people open
        the minutes a little before the hour); the one starting soonest if several."""
        for meeting in await self.upcoming([lab_id], now, limit=5):
            if meeting.starts_at - early <= now:
                return meeting
        return None

    async def scheduled(self) -> Sequence[Meeting]:
        """Every scheduled meeting (for rebuilding reminder timers at start-up)."""
        stmt = (select(Meeting).where(Meeting.status == MeetingStatus.SCHEDULED)
                .order_by(Meeting.starts_at))
        return (await self.session.scalars(stmt)).all()
