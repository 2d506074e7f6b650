"""A poll read once with everything its cards and ranking need, and whether it takes answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from bot.domain import availability as av
from bot.domain.availability import Answer, SlotScore
from bot.domain.polls import takes_answers
from bot.errors import NotFound
from bot.i18n import _
from storage.models import Lab, Membership, Poll, PollSlot
from storage.uow import UnitOfWork


@dataclass
class Loaded:
    """A poll with everything the cards and the ranking need, read once."""

    poll: Poll
    lab: Lab
    slots: list[PollSlot]
    members: list[Membership]
    grid: dict[int, list[Answer | None]]  # person id -> answer per slot (slot order)
    required: list[int]

    @property
    def starts(self) -> list[datetime]:
        return [s.starts_at for s in self.slots]

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.poll.length_minutes)

    def scores(self) -> list[SlotScore]:
        return av.score_slots(self.grid, len(self.slots), frozenset(self.required))

    @cached_property
    def _names(self) -> dict[int, str]:
        return {m.person_id: m.person.display_name for m in self.members}

    def name(self, person_id: int) -> str:
        return self._names.get(person_id, "a former member")

    def answered(self, person_id: int) -> int:
        return sum(a is not None for a in self.grid.get(person_id, ()))


async def load(uow: UnitOfWork, poll: Poll) -> Loaded:
    lab = await uow.labs.get(poll.lab_id)
    if lab is None:
        raise NotFound(_("That lab no longer exists."))
    slots = list(await uow.polls.slots(poll.id))
    members = list(await uow.members.active(lab.id))
    index = {s.id: i for i, s in enumerate(slots)}
    grid: dict[int, list[Answer | None]] = {m.person_id: [None] * len(slots) for m in members}
    for a in await uow.polls.answers(poll.id):
        row = grid.get(a.person_id)
        if row is not None and a.slot_id in index:
            row[index[a.slot_id]] = a.answer
    return Loaded(poll, lab, slots, members, grid, await uow.polls.required(poll.id))


def is_open(poll: Poll, now: datetime) -> bool:
    """Open for answers: not closed, and its deadline (if any) not yet reached."""
    return takes_answers(poll.status, poll.closes_at, now)
