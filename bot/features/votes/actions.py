"""Votes' buttons and menus: rank with menus (pick, undo, start over, save), type, mine."""

from __future__ import annotations

from typing import Any

from bot.domain.votes import VoteStatus
from bot.domain.wording import plural
from bot.errors import Conflict, UserError
from bot.events import VoteDeleted, VoteResultWithdrawn
from bot.features.common import kept
from bot.features.votes.cards import (
    _read_draft,
    about_card,
    name,
    rank_form,
    ranking_card,
    readback_card,
)
from bot.features.votes.routes import router
from bot.features.votes.service import _accepting, _cast, _vote_of_control
from bot.i18n import _
from bot.messages import Card, Limits, Reply, Text, shorten
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


@router.action("vote.about", scope="vote")
async def about(call: Call[Any]) -> Reply:
    """Every option's full case, one click from the ballot and the result."""
    vote = await _vote_of_control(call)
    assert call.action is not None
    arg = call.action.arg or ""
    first = int(arg) if arg.isdigit() else 1
    return Reply(card=about_card(vote, min(max(first, 1), len(vote.options))))


@router.action("vote.menu", scope="vote")
async def menu(call: Call[Any]) -> Reply:
    vote, _x = await _draft(call)
    return await _ranking_reply(call, vote, [], replace=False)


@router.action("vote.pick", scope="vote")
async def pick(call: Call[Any]) -> Reply:
    vote, draft = await _draft(call)
    if not call.values or not call.values[0].isdigit():
        raise UserError(_("Choose an option from the menu."))
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
        raise UserError(_("Choose at least your 1st choice before saving."))
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
            raise UserError(_("{name} is closed; ballots are no longer "
                            "linked to anyone, so there is nothing to show you.").format(
                name=name(vote, start=True)))
        raise UserError(_("You have not ranked {name} yet. Press *Rank with "
                        "menus*, or type `/lab rank {number} <options, best first>`.").format(
            name=name(vote), number=vote.number))
    return Reply(card=readback_card(vote, list(ballot.ranking), changed=None))




# --- confirmations of delete and withdraw -------------------------------------------------


@router.action("vote.delete", scope="vote", access="facilitator")
async def delete_confirmed(call: Call[Any]) -> Reply:
    vote = await _vote_of_control(call)
    if vote.status == VoteStatus.CLOSED:
        raise Conflict(_("{name} closed meanwhile: its result is a record of "
                       "the lab and is never deleted; withdraw it with "
                       "`/lab vote withdraw {number} <reason>` if you must.").format(
            name=name(vote, start=True), number=vote.number))
    # Conditional on it still being open: a close and a delete never both happen.
    if not await call.uow.votes.mark_deleted(vote.id, call.now):
        raise Conflict(_("{name} closed a moment ago; it was not deleted.").format(
            name=name(vote, start=True)))
    ballots = await call.uow.ballots.count(vote.id)
    await call.audit("vote.deleted", vote=vote.number, question=vote.question, ballots=ballots)
    await call.emit(VoteDeleted(lab_id=vote.lab_id, vote_id=vote.id))
    with call.in_lab_language():  # posted in the channel
        text = _("{display_name} deleted {name} ({question}).").format(
            display_name=call.person.display_name, name=name(vote), question=vote.question)
    call.announce(Card((Text(shorten(text, Limits.TEXT)),),
                       fallback=shorten(text, Limits.PLAIN_TEXT)))
    within = call.ctx.settings.lab.restore_within
    return Reply(card=Card((Text(
        _("{name} is deleted; its {count} are kept. A "
        "facilitator can restore it within {within} with `/lab vote restore {number}`.").format(
            name=name(vote, start=True), count=plural(ballots, 'ballot'), within=within,
            number=vote.number)
    ),)), replace=True)


@router.action("vote.withdraw", scope="vote", access="facilitator")
async def withdraw_confirmed(call: Call[Any]) -> Reply:
    vote = await _vote_of_control(call)
    assert call.action is not None
    reason = (call.action.arg or "").strip()
    if vote.status != VoteStatus.CLOSED or not reason:
        raise Conflict(_("{name} has no result to withdraw.").format(
            name=name(vote, start=True)))
    if vote.withdrawn_at is not None:
        raise Conflict(_("The result of {name} was withdrawn already: "
                       "{withdrawn_reason}").format(
            name=name(vote), withdrawn_reason=vote.withdrawn_reason))
    vote.withdrawn_at, vote.withdrawn_reason = call.now, reason
    outcome = (vote.result or {}).get("outcome", "")
    await call.audit("vote.result_withdrawn", vote=vote.number, reason=reason,
                     outcome=outcome)
    await call.emit(VoteResultWithdrawn(lab_id=vote.lab_id, vote_id=vote.id,
                                        number=vote.number, reason=reason))
    with call.in_lab_language():  # posted in the channel
        text = (_("{display_name} withdrew the result of {name} "
                "({question}): {reason}").format(
            display_name=call.person.display_name, name=name(vote), question=vote.question,
            reason=reason))
    call.announce(Card((Text(shorten(text, Limits.TEXT)),),
                       fallback=shorten(text, Limits.PLAIN_TEXT)))
    return Reply(card=Card((Text(_("The result of {name} is withdrawn: {reason}").format(
        name=name(vote), reason=reason)),)),
                 replace=True)


@router.action("vote.keep", scope="vote", access="facilitator")
async def kept_as_is(call: Call[Any]) -> Reply:
    vote = await _vote_of_control(call)
    return kept(name(vote))
