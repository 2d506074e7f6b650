"""Votes' buttons and menus: rank with menus (pick, undo, start over, save), type, mine."""

from __future__ import annotations

from typing import Any

from bot.domain.votes import VoteStatus
from bot.errors import UserError
from bot.features.votes.cards import _read_draft, name, rank_form, ranking_card, readback_card
from bot.features.votes.routes import router
from bot.features.votes.service import _accepting, _cast, _vote_of_control
from bot.messages import Reply
from bot.router import Call
from storage.models import Vote


async def _draft(call: Call[Any]) -> tuple[Vote, list[int]]:
    """The vote a ranking control belongs to (still taking ballots) and the draft it carries."""
    vote = await _vote_of_control(call)
    _accepting(vote, call.now, call.zone)
    assert call.action is not None
    return vote, _read_draft(call.action.arg, len(vote.options))


async def _ranking_reply(call: Call[Any], vote: Vote, draft: list[int], *, replace: bool
                         ) -> Reply:
    ballot = await call.uow.ballots.of(vote.id, call.person.id)
    return Reply(card=ranking_card(vote, draft, list(ballot.ranking) if ballot else None),
                 replace=replace)


@router.action("vote.menu", scope="vote")
async def menu(call: Call[Any]) -> Reply:
    vote, _ = await _draft(call)
    return await _ranking_reply(call, vote, [], replace=False)


@router.action("vote.pick", scope="vote")
async def pick(call: Call[Any]) -> Reply:
    vote, draft = await _draft(call)
    if not call.values or not call.values[0].isdigit():
        raise UserError("Choose an option from the menu.")
    choice = int(call.values[0])
    if 1 <= choice <= len(vote.options) and choice not in draft:
        draft.append(choice)
    return await _ranking_reply(call, vote, draft, replace=True)


@router.action("vote.draft", scope="vote")
async def redraft(call: Call[Any]) -> Reply:
    vote, draft = await _draft(call)
    return await _ranking_reply(call, vote, draft, replace=True)


@router.action("vote.save", scope="vote")
async def save(call: Call[Any]) -> Reply:
    vote, draft = await _draft(call)
    if not draft:
        raise UserError("Choose at least your 1st choice before saving.")
    reply = await _cast(call, vote, draft)
    return Reply(card=reply.card, replace=True)


@router.action("vote.type", scope="vote")
async def type_ranking(call: Call[Any]) -> Reply:
    vote = await _vote_of_control(call)
    _accepting(vote, call.now, call.zone)
    return Reply(form=rank_form(vote))


@router.action("vote.mine", scope="vote")
async def mine(call: Call[Any]) -> Reply:
    vote = await _vote_of_control(call)
    ballot = await call.uow.ballots.of(vote.id, call.person.id)
    if ballot is None:
        if vote.status != VoteStatus.OPEN:
            raise UserError(f"{name(vote, start=True)} is closed; ballots are no longer "
                            "linked to anyone, so there is nothing to show you.")
        raise UserError(f"You have not ranked {name(vote)} yet. Press *Rank with "
                        f"menus*, or type `/lab rank {vote.number} <options, best first>`.")
    return Reply(card=readback_card(vote, list(ballot.ranking), changed=None))


