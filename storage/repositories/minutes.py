"""Minutes, their numbered entries, attendance and action items."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.minutes import ActionStatus, MinutesStatus
from storage.models import ActionItem, Attendance, MinuteEntry, Minutes
from storage.repositories.helpers import dialect_insert, fits


class MinutesRepository:
    """Minutes, their numbered entries and attendance."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, minutes_id: int) -> Minutes | None:
        if not fits(minutes_id):
            return None
        return await self.session.get(Minutes, minutes_id)

    async def open_in(self, lab_id: int) -> Minutes | None:
        stmt = select(Minutes).where(Minutes.lab_id == lab_id,
                                     Minutes.status == MinutesStatus.OPEN)
        return (await self.session.scalars(stmt)).one_or_none()

    async def of_lab(self, lab_id: int) -> Sequence[Minutes]:
        """Every set of minutes of a lab, oldest first."""
        stmt = select(Minutes).where(Minutes.lab_id == lab_id).order_by(
            Minutes.started_at, Minutes.id)
        return (await self.session.scalars(stmt)).all()

    async def latest(self, lab_id: int) -> Minutes | None:
        """The open minutes, else the ones started last."""
        found = await self.open_in(lab_id)
        if found is not None:
            return found
        stmt = select(Minutes).where(Minutes.lab_id == lab_id).order_by(
            Minutes.started_at.desc(), Minutes.id.desc()).limit(1)
        return (await self.session.scalars(stmt)).first()

    async def add(self, minutes: Minutes) -> Minutes:
        self.session.add(minutes)
        await self.session.flush()
        return minutes

    async def take_number(self, minutes_id: int) -> int:
        """The next short number of these minutes. One atomic UPDATE ... RETURNING, so two
        people adding at the same moment never get the same number."""
        stmt = (
            update(Minutes).where(Minutes.id == minutes_id)
            .values(next_number=Minutes.next_number + 1)
            .returning(Minutes.next_number)
            .execution_options(synchronize_session=False)
        )
        taken = (await self.session.execute(stmt)).scalar_one()
        return int(taken) - 1

    async def add_entry(self, entry: MinuteEntry) -> MinuteEntry:
        """Record an entry. One that comes from a message or a poll (`source_ref`) is
        recorded once however many hands add it at the same moment: a second comes back as
        the entry already there, and the number it had taken is given back."""
        if entry.source_ref is None:
            self.session.add(entry)
            await self.session.flush()
            return entry
        values = {c.key: getattr(entry, c.key) for c in MinuteEntry.__table__.columns
                  if c.key != "id"}
        values["history"] = values.get("history") or []
        stmt = dialect_insert(self.session, MinuteEntry).values(**values).on_conflict_do_nothing(
            index_elements=[MinuteEntry.minutes_id, MinuteEntry.source_ref],
        ).returning(MinuteEntry.id)
        row = (await self.session.execute(stmt)).first()
        if row is None and entry.number is not None:
            # This transaction took the last number (its UPDATE holds the minutes row), so
            # nobody took one since: hand it back rather than leave a gap.
            await self.session.execute(
                update(Minutes).where(Minutes.id == entry.minutes_id,
                                      Minutes.next_number == entry.number + 1)
                .values(next_number=entry.number)
                .execution_options(synchronize_session=False))
        stored = await self.entry_from(entry.minutes_id, entry.source_ref) if row is None \
            else await self.session.get(MinuteEntry, row[0])
        assert stored is not None
        return stored

    async def entries(self, minutes_id: int) -> Sequence[MinuteEntry]:
        """Numbered entries (dropped ones too, marked), in number order."""
        stmt = select(MinuteEntry).where(MinuteEntry.minutes_id == minutes_id,
                                         MinuteEntry.number.is_not(None)
                                         ).order_by(MinuteEntry.number)
        return (await self.session.scalars(stmt)).all()

    async def entry(self, minutes_id: int, number: int) -> MinuteEntry | None:
        if not fits(minutes_id, number):
            return None
        stmt = select(MinuteEntry).where(MinuteEntry.minutes_id == minutes_id,
                                         MinuteEntry.number == number)
        return (await self.session.scalars(stmt)).one_or_none()

    async def entry_by_id(self, entry_id: int) -> MinuteEntry | None:
        if not fits(entry_id):
            return None
        return await self.session.get(MinuteEntry, entry_id)

    async def entry_from(self, minutes_id: int, source_ref: str) -> MinuteEntry | None:
        stmt = select(MinuteEntry).where(MinuteEntry.minutes_id == minutes_id,
                                         MinuteEntry.source_ref == source_ref)
        return (await self.session.scalars(stmt)).one_or_none()

    async def remove_unnumbered(self, entry: MinuteEntry) -> None:
        """Forget an action nobody confirmed; numbered entries are never deleted."""
        if entry.number is not None:
            raise ValueError("numbered entries are dropped, never deleted")
        await self.session.delete(entry)
        await self.session.flush()

    async def attendance(self, minutes_id: int) -> Sequence[Attendance]:
        stmt = select(Attendance).where(Attendance.minutes_id == minutes_id).order_by(
            Attendance.recorded_at, Attendance.id)
        return (await self.session.scalars(stmt)).unique().all()

    async def attendance_of(self, minutes_id: int, person_id: int) -> Attendance | None:
        stmt = select(Attendance).where(Attendance.minutes_id == minutes_id,
                                        Attendance.person_id == person_id)
        return (await self.session.scalars(stmt)).unique().one_or_none()

    async def add_attendance(self, attendance: Attendance) -> Attendance:
        """Record presence or apologies. Two records of the same person at the same moment
        both land on the one row, the later (by `recorded_at`) winning; returns the row."""
        stmt = dialect_insert(self.session, Attendance).values(
            minutes_id=attendance.minutes_id, person_id=attendance.person_id,
            status=attendance.status, recorded_at=attendance.recorded_at,
            recorded_by_id=attendance.recorded_by_id)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Attendance.minutes_id, Attendance.person_id],
            set_={"status": stmt.excluded.status, "recorded_at": stmt.excluded.recorded_at,
                  "recorded_by_id": stmt.excluded.recorded_by_id},
            where=Attendance.recorded_at <= stmt.excluded.recorded_at,
        )
        await self.session.execute(stmt)
        stored = (await self.session.scalars(
            select(Attendance).where(Attendance.minutes_id == attendance.minutes_id,
                                     Attendance.person_id == attendance.person_id)
            .execution_options(populate_existing=True))).unique().one()
        return stored


class ActionItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, item_id: int) -> ActionItem | None:
        if not fits(item_id):
            return None
        return await self.session.get(ActionItem, item_id)

    async def add(self, item: ActionItem) -> ActionItem:
        self.session.add(item)
        await self.session.flush()
        return item

    async def for_entry(self, entry_id: int) -> ActionItem | None:
        stmt = select(ActionItem).where(ActionItem.entry_id == entry_id)
        return (await self.session.scalars(stmt)).unique().one_or_none()

    async def of_minutes(self, minutes_id: int) -> Sequence[ActionItem]:
        stmt = select(ActionItem).join(MinuteEntry, ActionItem.entry_id == MinuteEntry.id
                                       ).where(MinuteEntry.minutes_id == minutes_id)
        return (await self.session.scalars(stmt)).unique().all()

    async def open_in(self, lab_id: int) -> Sequence[ActionItem]:
        """Open items of a lab: soonest due first, undated last, then oldest first."""
        stmt = select(ActionItem).where(ActionItem.lab_id == lab_id,
                                        ActionItem.status == ActionStatus.OPEN)
        rows = (await self.session.scalars(stmt)).unique().all()
        return sorted(rows, key=_due_order)

    async def open_for(self, person_id: int) -> Sequence[ActionItem]:
        """A person's open items in every lab, soonest due first."""
        stmt = select(ActionItem).where(ActionItem.owner_id == person_id,
                                        ActionItem.status == ActionStatus.OPEN)
        rows = (await self.session.scalars(stmt)).unique().all()
        return sorted(rows, key=_due_order)


def _due_order(item: ActionItem) -> tuple[int, str, int]:
    return (item.due is None, item.due.isoformat() if item.due else "", item.id)
