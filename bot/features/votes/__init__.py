"""Ranked-choice votes: open one on the lab's options, rank in secret, close, count in the
open (round by round, with a chart), and publish anonymised ballots anyone can re-count.

Secret ballot: a ranking is shown only to the member who cast it. Everyone else, the
facilitator included, sees turnout, never how anyone ranked; audit entries and log lines name
the vote, never a ranking. With results `hidden` (the default) nobody sees a tally before the
close, and the facilitator sees who has not voted yet. With results `live` a running count is
on show, so two more rules keep it from giving a ballot away: the count is refreshed only
once at least LIVE_BATCH ballots have been cast or changed since the last refresh, and while
the vote is open nobody is shown who has voted or when (no list, no audit entry per ballot;
the audit records who voted at the close, in no particular order).

Casting is conditional on the vote being open when the ballot is written (a conditional
update on the vote row in the same transaction), so no ballot can slip in after the count.
At the close the ballots are stored again in a random order with fresh ids and no voter or
time. A member who leaves the lab takes their ballot out of the lab's open votes (unless a
live count already shown holds it: taking it out then would let anyone read it off the
difference); turnout counts the ballots counted, so it always agrees with the result.

The package: `commands` (the slash commands), `removal` (delete, restore, withdraw),
`actions` (buttons and menus), `cards`, `charts`, `service` (find, cast, count, close),
`subscribers` (domain-event handlers); the rules that decide are in `bot.domain.votes`. What
reminders need of a vote is registered here, below.
"""

from __future__ import annotations

from datetime import datetime

from bot import action_ids
from bot.context import Context as AppContext
from bot.domain.votes import VoteStatus

# Imported for their registrations on `router`.
from bot.features.votes import (  # noqa: F401
    actions,
    commands,
    home,
    nudge,
    removal,
    subscribers,
)
from bot.features.votes.cards import name
from bot.features.votes.charts import results_chart
from bot.features.votes.routes import router
from bot.features.votes.service import (
    ballot_files,
    close_vote,
    election_of,
    find_vote,
    not_voted,
    public_card,
)
from bot.i18n import _
from bot.messages import Button
from bot.subjects import SubjectInfo
from storage.uow import UnitOfWork

__all__ = ["ballot_files", "close_vote", "election_of", "find_vote", "name", "not_voted",
           "reminder_info", "results_chart", "router"]

# --- what reminders need of a vote ------------------------------------------------------------


async def _close_at_deadline(ctx: AppContext, uow: UnitOfWork, vote_id: int, now: datetime
                             ) -> None:
    # Claims the open vote itself: a vote a facilitator already closed stays as it is.
    await close_vote(ctx, uow, vote_id, now)


@router.subject("vote", pending=not_voted, close=_close_at_deadline, card=public_card)
async def reminder_info(uow: UnitOfWork, vote_id: int) -> SubjectInfo | None:
    """How a reminder names the vote, with the ranking button while it is open."""
    vote = await uow.votes.get(vote_id)
    if vote is None:
        return None
    button = None
    if vote.status == VoteStatus.OPEN:
        button = Button(_("Rank the options"), action_ids.encode("vote.menu", vote.id),
                        style="primary")
    return SubjectInfo(_("Vote #{number}: {question}").format(
        number=vote.number, question=vote.question), button=button,
                       moment=vote.closes_at)
