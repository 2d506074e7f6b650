"""Availability polls: their slots, required attendees and answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.availability import Answer
from bot.domain.polls import PollStatus
from storage.models import Poll, PollAnswer, PollRequired, PollSlot
from storage.repositories.helpers import claim_close, dialect_insert, fits, refresh_held


class PollRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, poll_id: int) -> Poll | None:
        if not fits(poll_id):
            return None
        return await self.session.get(Poll, poll_id)

    async def by_number(self, lab_id: int, number: int) -> Poll | None:
        if not fits(lab_id, number):
            return None
        stmt = select(Poll).where(Poll.lab_id == lab_id, Poll.number == number,
                                  Poll.status != PollStatus.DELETED)
        return (await self.session.scalars(stmt)).one_or_none()

    async def deleted_by_number(self, lab_id: int, number: int) -> Poll | None:
        """The lab's deleted poll with this number (for a restore), if there is one."""
        if not fits(lab_id, number):
            return None
        stmt = select(Poll).where(Poll.lab_id == lab_id, Poll.number == number,
                                  Poll.status == PollStatus.DELETED)
        return (await self.session.scalars(stmt)).one_or_none()

    async def of_lab(self, lab_id: int, *, status: PollStatus | None = None) -> Sequence[Poll]:
        """The lab's polls (never the deleted ones), newest first."""
        stmt = select(Poll).where(Poll.lab_id == lab_id, Poll.status != PollStatus.DELETED)
        if status is not None:
            stmt = stmt.where(Poll.status == status)
        return (await self.session.scalars(stmt.order_by(Poll.number.desc()))).all()

    async def open_in(self, lab_ids: Sequence[int]) -> Sequence[Poll]:
        if not lab_ids:
            return []
        stmt = (select(Poll).where(Poll.lab_id.in_(lab_ids), Poll.status == PollStatus.OPEN)
                .order_by(Poll.lab_id, Poll.number))
        return (await self.session.scalars(stmt)).all()

    async def next_number(self, lab_id: int) -> int:
        # Deleted polls keep their rows, so a number is never handed out twice.
        stmt = select(func.max(Poll.number)).where(Poll.lab_id == lab_id)
        return int((await self.session.scalar(stmt)) or 0) + 1

    async def add(self, poll: Poll, starts: Sequence[datetime],
                  required: Sequence[int]) -> Poll:
        self.session.add(poll)
        await self.session.flush()
        self.session.add_all(
            PollSlot(poll_id=poll.id, number=n, starts_at=s) for n, s in enumerate(starts, 1)
        )
        self.session.add_all(PollRequired(poll_id=poll.id, person_id=p) for p in required)
        await self.session.flush()
        return poll

    async def slots(self, poll_id: int) -> Sequence[PollSlot]:
        stmt = select(PollSlot).where(PollSlot.poll_id == poll_id).order_by(PollSlot.number)
        return (await self.session.scalars(stmt)).all()

    async def required(self, poll_id: int) -> list[int]:
        stmt = (select(PollRequired.person_id).where(PollRequired.poll_id == poll_id)
                .order_by(PollRequired.id))
        return list((await self.session.scalars(stmt)).all())

    async def answers(self, poll_id: int) -> Sequence[PollAnswer]:
        stmt = select(PollAnswer).where(PollAnswer.poll_id == poll_id).order_by(PollAnswer.id)
        return (await self.session.scalars(stmt)).all()

    async def answers_of(self, poll_id: int, person_id: int) -> dict[int, Answer]:
        """slot id -> this person's answer."""
        stmt = select(PollAnswer.slot_id, PollAnswer.answer).where(
            PollAnswer.poll_id == poll_id, PollAnswer.person_id == person_id)
        return {slot: answer for slot, answer in (await self.session.execute(stmt)).all()}

    async def answer_counts(self, poll_ids: Sequence[int], person_id: int) -> dict[int, int]:
        """poll id -> how many slots this person has answered."""
        if not poll_ids:
            return {}
        stmt = (select(PollAnswer.poll_id, func.count(PollAnswer.id))
                .where(PollAnswer.poll_id.in_(poll_ids), PollAnswer.person_id == person_id)
                .group_by(PollAnswer.poll_id))
        return {pid: int(n) for pid, n in (await self.session.execute(stmt)).all()}

    async def slot_counts(self, poll_ids: Sequence[int]) -> dict[int, int]:
        if not poll_ids:
            return {}
        stmt = (select(PollSlot.poll_id, func.count(PollSlot.id))
                .where(PollSlot.poll_id.in_(poll_ids)).group_by(PollSlot.poll_id))
        return {pid: int(n) for pid, n in (await self.session.execute(stmt)).all()}

    async def set_answers(self, poll_id: int, person_id: int, slot_ids: Sequence[int],
                          answer: Answer, at: datetime) -> int:
        """Record `answer` for each slot, replacing earlier answers; returns how many changed.

        One upsert: two first answers to a slot at the same moment both land (the later
        one wins), and an answer given at `at` never overwrites one given after it.
        """
        slot_ids = list(dict.fromkeys(slot_ids))
        if not slot_ids:
            return 0
        before = {slot_id: given for slot_id, given in (await self.session.execute(
            select(PollAnswer.slot_id, PollAnswer.answer).where(
                PollAnswer.poll_id == poll_id, PollAnswer.person_id == person_id,
                PollAnswer.slot_id.in_(slot_ids)))).all()}
        stmt = dialect_insert(self.session, PollAnswer).values([
            {"poll_id": poll_id, "slot_id": slot_id, "person_id": person_id, "answer": answer,
             "answered_at": at} for slot_id in slot_ids
        ])
        stmt = stmt.on_conflict_do_update(
            index_elements=[PollAnswer.slot_id, PollAnswer.person_id],
            set_={"answer": stmt.excluded.answer, "answered_at": stmt.excluded.answered_at},
            where=PollAnswer.answered_at <= stmt.excluded.answered_at,
        ).returning(PollAnswer.slot_id)
        written = set((await self.session.scalars(stmt)).all())
        await refresh_held(self.session, PollAnswer, PollAnswer.poll_id == poll_id,
                       PollAnswer.person_id == person_id)
        return sum(1 for slot_id in written if before.get(slot_id) is not answer)

    async def claim_close(self, poll_id: int, now: datetime, by: int | None) -> bool:
        """Mark the poll closed if it is still open; False if another close (a facilitator,
        the deadline timer, another process) got there first. One conditional UPDATE, so two
        sessions can never both see "open" and both close it."""
        return await claim_close(self.session, Poll, poll_id, now, by)

    async def clear(self, poll_id: int) -> None:
        """Forget the slots, answers and required attendees of a deleted poll."""
        for model in (PollAnswer, PollRequired, PollSlot):
            await self.session.execute(delete(model).where(model.poll_id == poll_id))
