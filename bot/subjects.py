"""Reminder subjects: what the reminders feature needs from the features whose things have
deadlines or start times (polls, votes, meetings, action items).

Each of those features registers its own kind on its router, next to its own code
(`@router.subject("poll", ...)`); the router holds them in a `Subjects` (by composition),
the composition root merges the routers, so the kinds live on the one Router in the Context
(`ctx.router.subjects`) and nowhere else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.messages import Button, Card, File
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class SubjectInfo:
    """How a reminder names what it is about: "Poll: When shall we meet?"."""

    title: str
    button: Button | None = None  # e.g. "Answer the poll", shown on nudges
    lines: tuple[str, ...] = ()  # extra lines for the reminder card (place, agenda ...)
    moment: datetime | None = None  # its start or deadline now, if the reminder should say


@dataclass(frozen=True, slots=True)
class Upcoming:
    """One thing still to come that a member who joins should be reminded of."""

    subject_id: int
    title: str
    at: datetime | None = None  # a meeting's start
    due: date | None = None  # an action item's due date


Describe = Callable[[UnitOfWork, int], Awaitable[SubjectInfo | None]]
PendingPeople = Callable[[UnitOfWork, int], Awaitable[Collection[int]]]
# Its first argument is the app's Context (bot/context.py), left as Any here because the
# Context holds the router that holds these kinds: naming it would tie the two in a circle.
CloseSubject = Callable[[Any, UnitOfWork, int, datetime], Awaitable[None]]
Attachments = Callable[[UnitOfWork, int, int, datetime], Awaitable[tuple[File, ...]]]
UpcomingFor = Callable[[UnitOfWork, int, int, datetime], Awaitable[Sequence[Upcoming]]]
# The public card of one thing as it stands now, to redraw where it was posted; None once
# there is nothing to show (its posted cards are then forgotten).
LiveCard = Callable[[UnitOfWork, int, datetime], Awaitable[Card | None]]


@dataclass(frozen=True, slots=True)
class SubjectKind:
    """What reminders need, at delivery time, from a feature whose things have deadlines or
    start times. `name` is the subject kind stored on reminder rows and used by the events:
    "poll", "vote", "meeting", "action_item".

    - `describe(uow, subject_id)`: its title (and a button); None once it no longer exists,
      which cancels the reminder instead of delivering it.
    - `pending(uow, subject_id)`: the person ids who have not answered yet; a deadline nudge
      goes only to them.
    - `close(ctx, uow, subject_id, now)`: close it at its deadline and announce the result
      (publish PollClosed / VoteClosed as a manual close would); runs in a unit of work that
      is committed afterwards.
    - `attachments(uow, subject_id, person_id, now)`: files for a reminder (a meeting's .ics).
    - `upcoming(uow, lab_id, person_id, now)`: what of this kind, still to come in the lab,
      a member who has just joined should be reminded of (the lab's next meetings; the open
      action items they own, if they are coming back).
    - `card(uow, subject_id, now)`: its public card as it stands now, redrawn in place
      wherever it was posted (bot/features/live/).
    """

    name: str
    describe: Describe
    pending: PendingPeople | None = None
    close: CloseSubject | None = None
    attachments: Attachments | None = None
    upcoming: UpcomingFor | None = None
    card: LiveCard | None = None


class Subjects:
    """The subject kinds registered on one router, one per name."""

    def __init__(self) -> None:
        self._kinds: dict[str, SubjectKind] = {}

    def register(self, kind: SubjectKind) -> SubjectKind:
        if kind.name in self._kinds:
            raise ValueError(f"subject kind {kind.name!r} registered twice")
        self._kinds[kind.name] = kind
        return kind

    def include(self, other: Subjects) -> None:
        """Take every kind of `other`; a name both have is a wiring mistake."""
        clash = set(self._kinds) & set(other._kinds)
        if clash:
            raise ValueError(f"subject kinds registered twice: {sorted(clash)}")
        self._kinds.update(other._kinds)

    def get(self, name: str | None) -> SubjectKind | None:
        return self._kinds.get(name) if name else None

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._kinds)

    @contextmanager
    def swapped(self, kind: SubjectKind) -> Iterator[SubjectKind]:
        """Use `kind` instead of what is registered under its name, for a while (tests that
        make up subjects whose rows do not exist)."""
        before = self._kinds.get(kind.name)
        self._kinds[kind.name] = kind
        try:
            yield kind
        finally:
            if before is None:
                self._kinds.pop(kind.name, None)
            else:
                self._kinds[kind.name] = before
