"""Remind now, for a vote: the members with no ballot get a private reminder at once (quiet
hours honoured, at most once every 12 hours). Only facilitators may, and only for a hidden
vote's open ballot: who it went to is who has not voted, which a live vote never shows."""

from __future__ import annotations

from typing import Any

from bot.domain.votes import ResultsMode, VoteStatus
from bot.errors import Conflict
from bot.features.reminders import remind_now, reminded_text
from bot.features.votes.cards import name as vote_name
from bot.features.votes.commands import RequiredVoteRef
from bot.features.votes.routes import router
from bot.features.votes.service import find_vote, not_voted
from bot.i18n import N_, _
from bot.messages import Reply
from bot.router import Call
from storage.models import Vote


async def _remind(call: Call[Any], vote: Vote) -> Reply:
    if vote.status != VoteStatus.OPEN:
        said = (_("{vote_name} is closed: nobody needs reminding.")
                if vote.status == VoteStatus.CLOSED else
                _("{vote_name} is deleted: nobody needs reminding."))
        raise Conflict(said.format(vote_name=vote_name(vote, start=True)))
    if vote.results == ResultsMode.LIVE:
        raise Conflict(_("{vote_name} has a live count, so nobody is shown "
                       "who has voted; the automatic reminder before the close still goes "
                       "to those who have not.").format(vote_name=vote_name(vote, start=True)))
    name = vote_name(vote)
    reminded = await remind_now(call, kind="vote", subject_id=vote.id, name=name,
                                closes_at=vote.closes_at,
                                pending=await not_voted(call.uow, vote.id))
    return Reply.say(reminded_text(call, name, reminded))


@router.command("vote remind", args=RequiredVoteRef, access="facilitator", topic="vote",
                summary=N_("Remind the members who have not voted, privately, now (at most once "
                        "every 12 hours)."),
                examples=("/lab vote remind 2",))
async def vote_remind(call: Call[RequiredVoteRef]) -> Reply:
    return await _remind(call, await find_vote(call, call.args.vote))


@router.action("vote.remind", scope="vote", access="facilitator")
async def vote_remind_pressed(call: Call[Any]) -> Reply:
    vote = await call.uow.votes.get(call.ref)
    if vote is None:
        raise Conflict(_("That vote has been deleted."))
    return await _remind(call, vote)
