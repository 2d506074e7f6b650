"""Reminders and each lab's reminder settings; every status change is conditional."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Row, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.reminders import ReminderKind, ReminderStatus
from storage.models import LabReminderSettings, Reminder
from storage.repositories.helpers import dialect_insert, fits, refresh_held


class ReminderRepository:
    """The reminders table. Every change of status is a conditional update whose row count
    says whether this process won it: that is what makes delivery happen once."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, reminder: Reminder) -> Reminder:
        self.session.add(reminder)
        await self.session.flush()
        return reminder

    async def get(self, reminder_id: int) -> Reminder | None:
        if not fits(reminder_id):
            return None
        return await self.session.get(Reminder, reminder_id, populate_existing=True)

    async def _change(self, reminder_id: int, where: Sequence[Any], **values: Any) -> bool:
        stmt = (
            update(Reminder)
            .where(Reminder.id == reminder_id, *where)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(stmt)
        return cast(CursorResult[Any], result).rowcount == 1

    async def claim(self, reminder_id: int, next_at: datetime, now: datetime,
                    *, late: bool) -> bool:
        """pending -> sending, if the row is still pending and still due at `next_at`."""
        return await self._change(
            reminder_id,
            [Reminder.status == ReminderStatus.PENDING, Reminder.next_at == next_at],
            status=ReminderStatus.SENDING, attempts=Reminder.attempts + 1, claimed_at=now,
            late=late,
        )

    async def defer(self, reminder_id: int, next_at: datetime, until: datetime) -> bool:
        """Move a pending reminder's timer (quiet hours) if nobody else has touched it."""
        return await self._change(
            reminder_id,
            [Reminder.status == ReminderStatus.PENDING, Reminder.next_at == next_at],
            next_at=until,
        )

    async def replan(self, seen: Reminder, *, due_at: datetime, next_at: datetime,
                     repeat_zone: str | None, subject_at: datetime | None) -> bool:
        """Move a pending reminder to a new time (its person's zone changed), if it is still
        pending at the moment read in `seen`: a delivery under way keeps its moment."""
        return await self._change(
            seen.id,
            [Reminder.status == ReminderStatus.PENDING, Reminder.next_at == seen.next_at],
            due_at=due_at, next_at=next_at, repeat_zone=repeat_zone, subject_at=subject_at,
        )

    async def sent(self, reminder_id: int, now: datetime) -> bool:
        return await self._change(
            reminder_id, [Reminder.status == ReminderStatus.SENDING],
            status=ReminderStatus.SENT, sent_at=now, last_error=None,
        )

    async def advance(self, reminder_id: int, due_at: datetime, *, sent_at: datetime | None,
                      from_status: ReminderStatus = ReminderStatus.SENDING,
                      seen: Reminder | None = None) -> bool:
        """A repeating reminder moves on to its next occurrence and waits again. With `seen`,
        only if the row is still the occurrence (and the claim) read in `seen`."""
        values: dict[str, Any] = {"status": ReminderStatus.PENDING, "due_at": due_at,
                                  "next_at": due_at, "attempts": 0, "claimed_at": None,
                                  "late": False}
        if sent_at is not None:
            values.update(sent_at=sent_at, last_error=None)
        return await self._change(reminder_id, [Reminder.status == from_status, *_as_seen(seen)],
                                  **values)

    async def finish(self, reminder_id: int, status: ReminderStatus, note: str) -> bool:
        """End a claimed delivery that turned out not to be needed (answered already)."""
        return await self._change(
            reminder_id, [Reminder.status == ReminderStatus.SENDING], status=status,
            note=note[:300],
        )

    async def retry(self, reminder_id: int, at: datetime, error: str) -> bool:
        return await self._change(
            reminder_id, [Reminder.status == ReminderStatus.SENDING],
            status=ReminderStatus.PENDING, next_at=at, last_error=error[:300],
            claimed_at=None,
        )

    async def fail(self, reminder_id: int, error: str,
                   from_status: ReminderStatus = ReminderStatus.SENDING,
                   seen: Reminder | None = None) -> bool:
        return await self._change(
            reminder_id, [Reminder.status == from_status, *_as_seen(seen)],
            status=ReminderStatus.FAILED, last_error=error[:300],
        )

    async def miss(self, reminder_id: int, next_at: datetime, note: str) -> bool:
        return await self._change(
            reminder_id,
            [Reminder.status == ReminderStatus.PENDING, Reminder.next_at == next_at],
            status=ReminderStatus.MISSED, note=note[:300],
        )

    async def cancel(self, reminder_ids: Sequence[int], note: str) -> list[int]:
        """Cancel those still pending; returns the ids this call cancelled."""
        if not reminder_ids:
            return []
        return await self._cancel_where([Reminder.id.in_(reminder_ids)], note)

    async def cancel_subject(self, kind: str, subject_id: int, note: str, *,
                             recipient_id: int | None = None) -> list[int]:
        where = [Reminder.subject_kind == kind, Reminder.subject_id == subject_id]
        if recipient_id is not None:
            where.append(Reminder.recipient_id == recipient_id)
        return await self._cancel_where(where, note)

    async def cancel_recipient(self, lab_id: int, person_id: int, note: str) -> list[int]:
        return await self._cancel_where(
            [Reminder.lab_id == lab_id, Reminder.recipient_id == person_id], note
        )

    async def cancel_authored(self, lab_id: int, person_id: int, note: str) -> list[int]:
        """Cancel the reminders this person set in this lab (`/lab remind`), whoever they
        were for."""
        return await self._cancel_where(
            [Reminder.lab_id == lab_id, Reminder.author_id == person_id,
             Reminder.kind == ReminderKind.CUSTOM], note
        )

    async def cancel_lab(self, lab_id: int, note: str) -> list[int]:
        """Cancel every reminder still pending in the lab (it is archived)."""
        return await self._cancel_where([Reminder.lab_id == lab_id], note)

    async def _cancel_where(self, where: Sequence[Any], note: str) -> list[int]:
        stmt = (
            update(Reminder)
            .where(Reminder.status == ReminderStatus.PENDING, *where)
            .values(status=ReminderStatus.CANCELLED, note=note[:300])
            .returning(Reminder.id)
            .execution_options(synchronize_session=False)
        )
        return list((await self.session.scalars(stmt)).all())

    async def pending_ids(self, where: Sequence[Any]) -> list[int]:
        stmt = select(Reminder.id).where(Reminder.status == ReminderStatus.PENDING, *where)
        return list((await self.session.scalars(stmt)).all())

    async def mine(self, lab_id: int, person_id: int) -> Sequence[Reminder]:
        """Pending reminders in a lab that go to this person or that they set, soonest first."""
        stmt = (
            select(Reminder)
            .where(Reminder.lab_id == lab_id, Reminder.status == ReminderStatus.PENDING,
                   or_(Reminder.recipient_id == person_id, Reminder.author_id == person_id))
            .order_by(Reminder.next_at, Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def upcoming_for(self, person_id: int, *, limit: int) -> Sequence[Reminder]:
        """The next pending reminders for this person, in every lab."""
        stmt = (
            select(Reminder)
            .where(Reminder.recipient_id == person_id,
                   Reminder.status == ReminderStatus.PENDING)
            .order_by(Reminder.next_at, Reminder.id)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def of_lab(self, lab_id: int) -> Sequence[Reminder]:
        stmt = (
            select(Reminder)
            .where(Reminder.lab_id == lab_id, Reminder.status == ReminderStatus.PENDING)
            .order_by(Reminder.next_at, Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def problems(self, lab_id: int, since: datetime) -> Sequence[Reminder]:
        """Failed and missed reminders of a lab that were due since `since`, latest first."""
        stmt = (
            select(Reminder)
            .where(Reminder.lab_id == lab_id, Reminder.due_at >= since,
                   Reminder.status.in_((ReminderStatus.FAILED, ReminderStatus.MISSED)))
            .order_by(Reminder.due_at.desc(), Reminder.id.desc())
        )
        return (await self.session.scalars(stmt)).all()

    async def count_authored(self, author_id: int) -> int:
        stmt = select(func.count(Reminder.id)).where(
            Reminder.author_id == author_id, Reminder.status == ReminderStatus.PENDING,
            Reminder.kind == ReminderKind.CUSTOM,
        )
        return int(await self.session.scalar(stmt) or 0)

    async def timers(self, until: datetime | None = None
                     ) -> Sequence[Row[int, datetime, datetime, str | None, str | None]]:
        """What start-up needs to arm every pending timer (those that fire by `until`, for
        the sweep), earliest first (ordered, so APScheduler appends to its sorted list
        instead of inserting in the middle)."""
        stmt = (
            select(Reminder.id, Reminder.next_at, Reminder.due_at, Reminder.repeat,
                   Reminder.repeat_zone)
            .where(Reminder.status == ReminderStatus.PENDING)
            .order_by(Reminder.next_at, Reminder.id)
        )
        if until is not None:
            stmt = stmt.where(Reminder.next_at <= until)
        return (await self.session.execute(stmt)).all()

    async def deadlines(self, lab_id: int) -> Sequence[Reminder]:
        """The lab's polls and votes still to close at a deadline: their pending closes."""
        stmt = (
            select(Reminder)
            .where(Reminder.lab_id == lab_id, Reminder.status == ReminderStatus.PENDING,
                   Reminder.kind == ReminderKind.CLOSE)
            .order_by(Reminder.next_at, Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def overdue(self, before: datetime) -> Sequence[Reminder]:
        """Pending reminders whose timer should have fired before `before`."""
        stmt = (
            select(Reminder)
            .where(Reminder.status == ReminderStatus.PENDING, Reminder.next_at < before)
            .order_by(Reminder.next_at, Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def miss_overdue(self, before: datetime, note: str) -> list[tuple[int, int]]:
        """Mark every one-off reminder overdue since before `before` missed, in one statement;
        returns (id, lab id) of those this call marked."""
        stmt = (
            update(Reminder)
            .where(Reminder.status == ReminderStatus.PENDING, Reminder.next_at < before,
                   Reminder.repeat.is_(None))
            .values(status=ReminderStatus.MISSED, note=note[:300])
            .returning(Reminder.id, Reminder.lab_id)
            .execution_options(synchronize_session=False)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def interrupted(self, before: datetime) -> Sequence[Reminder]:
        """Deliveries claimed before `before` and never finished (the process stopped)."""
        stmt = (
            select(Reminder)
            .where(Reminder.status == ReminderStatus.SENDING, Reminder.claimed_at < before)
            .order_by(Reminder.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def report_missed(self, lab_id: int, now: datetime) -> Sequence[Reminder]:
        """Claim the lab's missed reminders nobody has reported yet; returns them."""
        stmt = (
            update(Reminder)
            .where(Reminder.lab_id == lab_id, Reminder.status == ReminderStatus.MISSED,
                   Reminder.missed_reported_at.is_(None))
            .values(missed_reported_at=now)
            .returning(Reminder.id)
            .execution_options(synchronize_session=False)
        )
        ids = list((await self.session.scalars(stmt)).all())
        if not ids:
            return []
        rows = select(Reminder).where(Reminder.id.in_(ids)).order_by(Reminder.due_at)
        return (await self.session.scalars(
            rows.execution_options(populate_existing=True))).all()

    async def lab_settings(self, lab_id: int) -> LabReminderSettings | None:
        return await self.session.get(LabReminderSettings, lab_id)

    async def save_lab_settings(self, lab_id: int, offsets: str, now: datetime) -> None:
        stmt = dialect_insert(self.session, LabReminderSettings).values(
            lab_id=lab_id, meeting_offsets=offsets, updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[LabReminderSettings.lab_id],
            set_={"meeting_offsets": stmt.excluded.meeting_offsets,
                  "updated_at": stmt.excluded.updated_at},
            where=LabReminderSettings.updated_at <= stmt.excluded.updated_at,
        )
        await self.session.execute(stmt)
        await refresh_held(self.session, LabReminderSettings, LabReminderSettings.lab_id == lab_id)


def _as_seen(seen: Reminder | None) -> list[Any]:
    """Conditions that hold only while a reminder row is as it was read: the same occurrence
    and the same claim. Settling what a stopped process left uses them, so that a row
    another process moved on meanwhile is left alone."""
    if seen is None:
        return []
    claimed = (Reminder.claimed_at.is_(None) if seen.claimed_at is None
               else Reminder.claimed_at == seen.claimed_at)
    return [Reminder.next_at == seen.next_at, claimed]
