"""A facilitator's desk, votes: each open vote with its turnout (and, for a hidden vote, who
has not voted), when it is due to close, and its Close and Remind now buttons."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot import action_ids
from bot.domain.lab import Role, has_role
from bot.domain.votes import ResultsMode, VoteStatus
from bot.errors import Conflict
from bot.features.votes.cards import name
from bot.features.votes.routes import router
from bot.features.votes.service import close_vote, not_voted, turnout_of
from bot.i18n import _
from bot.messages import Block, Button, Buttons, Reply, Text, at, shorten
from bot.router import Call

DESK_ITEMS = 5
CLOSES_SOON = timedelta(hours=24)  # a vote closing this soon is marked on the desk


@router.home_section(13)
async def desk_votes(call: Call[Any]) -> list[Block]:
    labs = [m.lab_id for m in await call.uow.members.labs_of(call.person.id)
            if has_role(m.role, Role.FACILITATOR)]
    blocks: list[Block] = []
    votes = [v for lab_id in labs for v in await call.uow.votes.for_lab(lab_id)
             if v.status == VoteStatus.OPEN]
    # Those due to close first; a vote closing within CLOSES_SOON is marked so.
    votes.sort(key=lambda v: (v.closes_at is None, v.closes_at or call.now, v.id))
    for vote in votes[:DESK_ITEMS]:
        lab_id = vote.lab_id
        turnout = await turnout_of(call.uow, vote)
        soon = vote.closes_at is not None and vote.closes_at - call.now <= CLOSES_SOON
        text = (_("⏳ *Closes soon* · ") if soon else "") + \
            f"🗳 *{name(vote, start=True)}: {vote.question}* — {turnout.words('open')}"
        if vote.closes_at is not None:
            text += _("; due to close {when}").format(when=at(vote.closes_at, 'R'))
        buttons = [Button(_("Close the vote"), action_ids.encode("vote.close_now", vote.id))]
        # Who has not voted is shown for a hidden vote only (see votes' LIVE_RULE).
        if vote.results != ResultsMode.LIVE:
            missing = set(await not_voted(call.uow, vote.id))
            waiting = [m.person.display_name for m in await call.uow.members.active(lab_id)
                       if m.person_id in missing]
            if waiting:
                text += _(". Not yet: {names}").format(names=', '.join(waiting))
                buttons.append(Button(_("Remind now"),
                                      action_ids.encode("vote.remind", vote.id)))
        blocks += [Text(shorten(text + ".", 2900)), Buttons(tuple(buttons))]
    return blocks


@router.action("vote.close_now", scope="vote", access="facilitator")
async def vote_close_pressed(call: Call[Any]) -> Reply:
    """The desk's Close button: as `/lab vote close` does; the claim has the last word."""
    vote = await call.uow.votes.get(call.ref)
    if vote is None or await close_vote(call.ctx, call.uow, vote.id, call.now,
                                        closed_by=call.person.id) is None:
        raise Conflict(_("That vote is already closed (or was deleted): `/lab vote list` shows "
                       "where each stands."))
    return Reply.say(_("{name} is closed; the result is in the lab's "
                     "channels.").format(name=name(vote, start=True)))
