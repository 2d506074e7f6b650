"""The rules of a ranked-choice vote that decide: its typed states, when it takes ballots,
when a live count is refreshed, what its turnout says, and what closing it declares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from bot.domain.tally import Election, Method, Result, build, count
from bot.domain.tally.rounds import plural
from bot.i18n import _


class VoteStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    # Only an open vote is deleted; it keeps its row and ballots so it can be restored.
    DELETED = "deleted"


class VoteMethod(StrEnum):
    """How the ballots are counted, fixed when the vote opens (stored as tally's names)."""

    IRV = "irv"
    STV = "stv"
    SCHULZE = "schulze"
    RANKED_PAIRS = "ranked_pairs"

    @property
    def tally(self) -> Method:
        """The method as `bot.domain.tally` names it."""
        return _TALLY[self]

    @property
    def condorcet(self) -> bool:
        """Schulze and ranked pairs compare options two by two: their links have a strength."""
        return self in (VoteMethod.SCHULZE, VoteMethod.RANKED_PAIRS)


_TALLY: dict[VoteMethod, Method] = {
    VoteMethod.IRV: "irv", VoteMethod.STV: "stv", VoteMethod.SCHULZE: "schulze",
    VoteMethod.RANKED_PAIRS: "ranked_pairs",
}


class Strength(StrEnum):
    """How a Condorcet method weighs a pairwise win."""

    MARGIN = "margin"
    WINNING_VOTES = "winning_votes"


class ResultsMode(StrEnum):
    """`hidden`: nobody sees a tally before the close; `live`: a count refreshed in batches."""

    HIDDEN = "hidden"
    LIVE = "live"


class TieRule(StrEnum):
    BACKWARD_THEN_RANDOM = "backward-then-random"
    REPORT = "report"


class Refusal(StrEnum):
    """Why a vote takes no ballot now."""

    CLOSED = "closed"
    PAST_CLOSE = "past_close"  # its close time has passed; it is not closed yet


def refusal(status: VoteStatus, closes_at: datetime | None, now: datetime) -> Refusal | None:
    """Whether a vote takes a ballot at `now`: None if it does, else why not."""
    if status != VoteStatus.OPEN:
        return Refusal.CLOSED
    if closes_at is not None and now >= closes_at:
        return Refusal.PAST_CLOSE
    return None

# With results `live`, the count on show is refreshed only once at least this many members
# have cast or changed a ballot since the last refresh (the first refresh: once this many
# ballots are in). Any two counts on show then differ by the ballots of at least this many
# people, and since nobody is shown who has voted while a live vote is open, no difference
# between two counts can be pinned on one member.
LIVE_BATCH = 3


@dataclass(frozen=True, slots=True)
class Turnout:
    """Ballots counted, of how many could vote: the lab's members, plus anyone who left
    after a live count took in their ballot (it stays). Counted from the ballots, so it
    always agrees with the result."""

    voted: int
    members: int
    former: int = 0  # ballots that stayed when their voters left the lab

    def words(self, tense: Literal["open", "live", "final"]) -> str:
        """ "2 of 4 members have voted", "4 of 4 members voted", "3 of 4 members so far"."""
        members = plural(self.members, "member")
        if tense == "open":
            text = _("{voted} of {members} {value} voted").format(
                voted=self.voted, members=members, value='has' if self.voted == 1 else 'have')
        elif tense == "live":
            text = _("{voted} of {members} so far").format(voted=self.voted, members=members)
        else:
            text = _("{voted} of {members} voted").format(voted=self.voted, members=members)
        if self.former:
            text += (_(" (counting {count} who left the lab after the "
                     "live count took in their ballot)").format(
                count=plural(self.former, 'member')))
        return text

    def json(self) -> dict[str, int]:
        return {"ballots": self.voted, "members": self.members, "former": self.former}


def live_count_due(fresh: int) -> bool:
    """Whether a live count is refreshed, given the ballots cast or changed since the last
    one (for the first: the ballots in)."""
    return fresh >= LIVE_BATCH


def election(
    labels: Sequence[str], rankings: Sequence[Sequence[int]], *, method: VoteMethod,
    seats: int, tie_break: TieRule, seed: str, strength: Strength,
) -> Election:
    """The election a vote's ballots make (option positions, from 1 -> option names)."""
    grouped: dict[tuple[str, ...], int] = {}
    for ranking in rankings:
        key = tuple(labels[p - 1] for p in ranking)
        grouped[key] = grouped.get(key, 0) + 1
    return build(method=method.tally, seats=seats, candidates=labels,
                 ballots=grouped.items(), tie_break=str(tie_break), seed=seed,
                 strength=str(strength))


@dataclass(frozen=True, slots=True)
class Closing:
    """What closing a vote decides."""

    result: Result
    declared: dict[str, Any]  # stored with the vote: the result, its outcome, seed, turnout
    # With a live count, who voted goes on record only at the close, all at once and in no
    # order that says when (and the live count is cleared).
    record_voters: bool


def close(election: Election, *, seed: str, turnout: Turnout, results: ResultsMode
          ) -> Closing:
    """Count the ballots in and say what the close declares."""
    result = count(election)
    declared = {**result.json(), "outcome": result.outcome(), "seed": seed,
                "turnout": turnout.json()}
    return Closing(result, declared, record_voters=results == ResultsMode.LIVE)
