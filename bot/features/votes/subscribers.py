"""Votes' domain-event handlers: a member who leaves takes their ballot out."""

from __future__ import annotations

from bot.domain.votes import ResultsMode, VoteStatus
from bot.events import Happening, MemberLeft
from bot.i18n import _

# --- members who leave ---------------------------------------------------------------------------


async def withdraw_ballots(event: MemberLeft, h: Happening) -> None:
    """A vote decides among the lab's members: whoever leaves takes their ballot out of the
    lab's open votes (closed votes are counted and stay as they are).

    One exception keeps the secret: in a live vote whose count on show already holds the
    ballot, it stays, and counts; taking it out would let anyone who compares the live count
    with the result read it off the difference."""
    for vote in await h.uow.votes.for_lab(event.lab_id, status=VoteStatus.OPEN):
        # Serialised against the close like a ballot's write: either the close counts the
        # ballot as it stood, or the ballot is out before the count.
        if not await h.uow.votes.hold_open(vote.id, None):
            continue
        live = vote.results == ResultsMode.LIVE
        done = await h.uow.ballots.withdraw(vote.id, event.person_id, keep_shown=live)
        if done == "withdrawn" and not live:
            await h.uow.audit.record(lab_id=vote.lab_id, actor_id=event.person_id,
                                     action="vote.ballot_withdrawn", at=h.now,
                                     vote=vote.number, why=_("left the lab"))


