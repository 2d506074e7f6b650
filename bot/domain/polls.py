"""A poll's life as rules: its states, when it takes answers, what its close records as the
best slot, and which slot a facilitator's pick may schedule."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.availability import SlotScore, no_such_slot, rank_slots
from bot.i18n import _


class PollStatus(StrEnum):
    """A poll's state, stored as these strings in `polls.status`."""

    OPEN = "open"
    CLOSED = "closed"
    # A deleted poll keeps its row (its number is never given to another poll) and its
    # slots and answers, so a facilitator can restore it for a while (see bot.domain.restore).
    DELETED = "deleted"


def takes_answers(status: PollStatus, closes_at: datetime | None, now: datetime) -> bool:
    """Open for answers: not closed, and its deadline (if any) not yet reached."""
    return status == PollStatus.OPEN and (closes_at is None or now < closes_at)


def can_close(status: PollStatus) -> bool:
    """Only an open poll closes; closing one already closed (or deleted) changes nothing."""
    return status == PollStatus.OPEN


def best_slot(scores: Sequence[SlotScore]) -> SlotScore | None:
    """What a close records as the outcome: the top-ranked slot, if no required attendee
    ruled it out and someone can attend it; None when no slot suits anyone."""
    ranked = rank_slots(scores)
    if not ranked or ranked[0].excluded or ranked[0].available == 0:
        return None
    return ranked[0]


class PickProblem(StrEnum):
    """Why a slot cannot be picked: the feature turns each into its kind of refusal."""

    UNCLEAR = "unclear"  # not a slot number
    NO_SUCH_SLOT = "no_such_slot"
    BEGUN = "begun"
    TAKEN = "taken"  # already a scheduled meeting


class PickRefused(ValueError):
    def __init__(self, problem: PickProblem, message: str) -> None:
        super().__init__(message)
        self.problem, self.message = problem, message


@dataclass(frozen=True)
class Pick:
    """The slot a pick schedules and the meeting's title."""

    number: int
    starts_at: datetime
    title: str


def pick_slot(text: str, starts: Sequence[datetime], taken: Collection[int | None], *,
              poll_number: int, meeting_number: int, title: str | None,
              now: datetime) -> Pick:
    """The slot `text` names (`14`, `#14`), if it can still become a meeting: it exists, has
    not begun, and is not a meeting already (`taken`: slot numbers of the poll's scheduled
    meetings). Without a title, the meeting is called by its number in the lab, "Meeting 2"
    (a poll asked about several meetings is often called "Meetings": no meeting's name)."""
    text = text.strip().removeprefix("#")
    if not text.isdigit():
        raise PickRefused(PickProblem.UNCLEAR, _("Give the slot's number, e.g. "
                          "`/lab poll pick {poll_number} 14`.").format(poll_number=poll_number))
    number = int(text)
    if not 1 <= number <= len(starts):
        raise PickRefused(PickProblem.NO_SUCH_SLOT, no_such_slot(number, len(starts)))
    starts_at = starts[number - 1]
    if starts_at <= now:
        raise PickRefused(PickProblem.BEGUN,
                          _("Slot #{number} has already begun; pick a later one.").format(
                              number=number))
    if number in taken:
        raise PickRefused(PickProblem.TAKEN, _("Slot #{number} of poll #{poll_number} is "
                          "already a meeting; see `/lab meetings`.").format(
            number=number, poll_number=poll_number))
    name = title or f"Meeting {meeting_number}"
    return Pick(number, starts_at, name)
