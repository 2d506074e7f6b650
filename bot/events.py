"""Domain events: what features tell each other, inside the same unit of work.

A feature that closes a poll does not know that minutes record it as a decision or that
reminders cancel their nudges; it publishes `PollClosed` and whoever listens acts in the same
transaction. Who listens to what is listed in one place, `LISTENERS` in bot/bootstrap.py (the
composition root), and held at run time in the Context's `listeners` (bot/listeners.py).
Listeners that start timers do so with `uow.after_commit`, so nothing runs ahead of the
database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.context import Context
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Event:
    lab_id: int


@dataclass(frozen=True, slots=True)
class PollOpened(Event):
    poll_id: int
    closes_at: datetime | None


@dataclass(frozen=True, slots=True)
class PollClosed(Event):
    poll_id: int
    title: str
    outcome: str  # one line, e.g. "Best slot: Tue 12 Jan 14:00 UTC (6 yes, 1 if need be)"


@dataclass(frozen=True, slots=True)
class PollDeleted(Event):
    poll_id: int


@dataclass(frozen=True, slots=True)
class VoteOpened(Event):
    vote_id: int
    closes_at: datetime | None


@dataclass(frozen=True, slots=True)
class VoteClosed(Event):
    vote_id: int
    question: str
    outcome: str  # one line, e.g. "Research won (IRV, 3 rounds, 6 ballots)"
    case: str = ""  # the winning options' descriptions, if they have any


@dataclass(frozen=True, slots=True)
class VoteDeleted(Event):
    vote_id: int


@dataclass(frozen=True, slots=True)
class VoteResultWithdrawn(Event):
    """A closed vote's result withdrawn by a facilitator (the result itself is kept)."""

    vote_id: int
    number: int
    reason: str


@dataclass(frozen=True, slots=True)
class MeetingScheduled(Event):
    meeting_id: int
    starts_at: datetime
    title: str = ""
    duration_minutes: int = 60


@dataclass(frozen=True, slots=True)
class MeetingMoved(Event):
    meeting_id: int
    starts_at: datetime
    title: str = ""
    duration_minutes: int = 60


@dataclass(frozen=True, slots=True)
class MeetingCancelled(Event):
    meeting_id: int


@dataclass(frozen=True, slots=True)
class ActionItemCreated(Event):
    item_id: int
    owner_id: int  # a person id
    due: date | None
    text: str


@dataclass(frozen=True, slots=True)
class ActionItemUpdated(Event):
    """The owner, due date or text changed."""

    item_id: int
    owner_id: int
    due: date | None
    text: str


@dataclass(frozen=True, slots=True)
class ActionItemClosed(Event):
    """Done, or dropped from the minutes: either way nobody needs reminding."""

    item_id: int


@dataclass(frozen=True, slots=True)
class MemberJoined(Event):
    """A membership became active: someone accepted the commitment, or came back."""

    person_id: int


@dataclass(frozen=True, slots=True)
class MemberLeft(Event):
    person_id: int


@dataclass(frozen=True, slots=True)
class ZoneChanged(Event):
    """A member's own time zone changed (`/lab tz`, the zone menu, or their platform profile):
    published once for each lab they are an active member of, only when the zone differs.

    `before` is None when they had none (their times were read in the lab's zone).
    """

    person_id: int
    before: str | None
    after: str


@dataclass(frozen=True, slots=True)
class PollAnswered(Event):
    """A member's answers to a poll changed (what its public card shows)."""

    poll_id: int


@dataclass(frozen=True, slots=True)
class BallotCast(Event):
    """A ballot was cast or changed (the vote's turnout, or its live count, may move). It
    says nothing of who cast it: listeners only redraw what everyone may see."""

    vote_id: int


@dataclass(frozen=True, slots=True)
class Happening:
    """What a subscriber gets besides the event: the context, the open unit of work, now."""

    ctx: Context
    uow: UnitOfWork
    now: datetime


async def publish(ctx: Context, uow: UnitOfWork, now: datetime, event: Event) -> None:
    """Run every subscriber of `event`'s type, in registration order, in this transaction."""
    for listener in ctx.listeners.of(type(event)):
        await listener(event, Happening(ctx, uow, now))


@dataclass(frozen=True, slots=True)
class ConsentOpened(Event):
    """A consent round on a lab's terms of reference opened (its deadline, if any)."""

    terms_id: int
    closes_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConsentClosed(Event):
    terms_id: int
    approved: bool
