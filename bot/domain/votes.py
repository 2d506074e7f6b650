"""The rules of a ranked-choice vote that decide: when it takes ballots, when a live count
is refreshed, what its turnout says."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.domain.tally.rounds import plural

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
            text = f"{self.voted} of {members} {'has' if self.voted == 1 else 'have'} voted"
        elif tense == "live":
            text = f"{self.voted} of {members} so far"
        else:
            text = f"{self.voted} of {members} voted"
        if self.former:
            text += (f" (counting {plural(self.former, 'member')} who left the lab after the "
                     "live count took in their ballot)")
        return text

    def json(self) -> dict[str, int]:
        return {"ballots": self.voted, "members": self.members, "former": self.former}
