"""Taking a vote back: delete (an open vote, after confirming; restorable for a while), restore,
and withdraw a closed vote's result with a reason (a result is a record: never deleted)."""

from __future__ import annotations

from typing import Annotated

from bot import action_ids
from bot.arguments import Args, Complete, Pos
from bot.domain.restore import can_restore
from bot.domain.tally.rounds import plural
from bot.domain.votes import VoteStatus
from bot.errors import Conflict, NotFound, UserError
from bot.events import VoteOpened
from bot.features.common import confirm_card
from bot.features.votes.cards import (
    name,
)
from bot.features.votes.commands import RequiredVoteRef
from bot.features.votes.routes import router
from bot.features.votes.service import (
    find_vote,
)
from bot.i18n import N_, _
from bot.messages import (
    Button,
    Card,
    Limits,
    Reply,
    Text,
    at,
    shorten,
)
from bot.router import Call


class WithdrawArgs(Args):
    vote: Annotated[str, Pos("vote"), Complete("vote")]
    reason: Annotated[str | None, Pos("reason", greedy=True)] = None


@router.command("vote delete", args=RequiredVoteRef, access="facilitator", topic="vote",
                summary=N_("Delete an open vote (after you confirm); a facilitator can restore "
                        "it, ballots and all, for a while with `/lab vote restore`."),
                examples=("/lab vote delete 2",))
async def delete(call: Call[RequiredVoteRef]) -> Reply:
    vote = await find_vote(call, call.args.vote)
    if vote.status == VoteStatus.CLOSED:
        raise Conflict(
            _("{name} is closed: its result is a record of the lab and is "
            "never deleted. To set it aside, withdraw the result with a reason, which the "
            "audit log and the minutes keep: `/lab vote withdraw {number} <reason>`.").format(
                name=name(vote, start=True), number=vote.number))
    ballots = await call.uow.ballots.count(vote.id)
    within = call.ctx.settings.lab.restore_within
    return Reply(card=confirm_card(
        _("Delete {name} ({text})?").format(
            name=name(vote), text=shorten(vote.question, 100)),
        _("It stops taking ballots at once and leaves the lab's lists; its "
        "{count} cast so far will be out of reach.").format(
            count=plural(ballots, 'ballot')),
        confirm=Button(_("Delete vote #{number}").format(
            number=vote.number), action_ids.encode("vote.delete", vote.id)),
        keep_id=action_ids.encode("vote.keep", vote.id),
        undo=_("A facilitator can restore it with its ballots within {within} with "
             "`/lab vote restore {number}`.").format(within=within, number=vote.number)))


@router.command("vote restore", args=RequiredVoteRef, access="facilitator", topic="vote",
                summary=N_("Bring back a deleted vote with its ballots, within the lab's restore "
                        "period."), examples=("/lab vote restore 2",))
async def restore(call: Call[RequiredVoteRef]) -> Reply:
    lab = call.the_lab
    text = call.args.vote.strip().removeprefix("#").strip()
    if not text.isdigit():
        raise UserError(_("Give the deleted vote's number, e.g. `/lab vote restore 2`."))
    vote = await call.uow.votes.deleted_by_number(lab.id, int(text))
    if vote is None:
        if await call.uow.votes.by_number(lab.id, int(text)) is not None:
            raise Conflict(_("{name} is not deleted; there is nothing "
                           "to restore.").format(name=name(int(text), start=True)))
        raise NotFound(_("{name} has no deleted {name2}.").format(
            name=lab.name, name2=name(int(text))))
    settings = call.ctx.settings.lab
    if not can_restore(vote.deleted_at, settings.restore_period, call.now):
        when = f" on {at(vote.deleted_at, 'f')}" if vote.deleted_at else ""
        raise Conflict(
            _("{name} was deleted{when}; deleted "
            "votes can be restored for {restore_within}, so it can no longer come "
            "back. Open a new one with `/lab vote new`.").format(
                name=name(vote, start=True), when=when, restore_within=settings.restore_within))
    vote.status, vote.deleted_at = VoteStatus.OPEN, None
    ballots = await call.uow.ballots.count(vote.id)
    await call.audit("vote.restored", vote=vote.number, question=vote.question,
                     ballots=ballots)
    # Its deadline and nudges were cancelled with the delete: plan them again (a close time
    # passed meanwhile closes it at once).
    await call.emit(VoteOpened(lab_id=lab.id, vote_id=vote.id, closes_at=vote.closes_at))
    with call.in_lab_language():  # posted in the channel
        text = (_("{display_name} restored {name} ({question}) with its "
                "{count}.").format(
            display_name=call.person.display_name, name=name(vote), question=vote.question,
            count=plural(ballots, 'ballot')))
    call.announce(Card((Text(shorten(text, Limits.TEXT)),),
                       fallback=shorten(text, Limits.PLAIN_TEXT)))
    return Reply.say(_("{name} is back and open, with its "
                     "{count}.").format(
        name=name(vote, start=True), count=plural(ballots, 'ballot')))


@router.command("vote withdraw", args=WithdrawArgs, access="facilitator", topic="vote",
                summary=N_("Withdraw a closed vote's result, with a reason (after you confirm). "
                        "The result stays on record; the audit log and minutes keep the reason."),
                usage_line="/lab vote withdraw <vote> <reason>",
                examples=("/lab vote withdraw 2 two members had not been told",))
async def withdraw(call: Call[WithdrawArgs]) -> Reply:
    vote = await find_vote(call, call.args.vote)
    reason = " ".join((call.args.reason or "").split()).strip('"“”').strip()
    if vote.status != VoteStatus.CLOSED:
        raise Conflict(
            _("{name} is still open, so it has no result to withdraw. Close "
            "it with `/lab vote close {number}`, or delete it with "
            "`/lab vote delete {number}`.").format(
                name=name(vote, start=True), number=vote.number))
    if vote.withdrawn_at is not None:
        raise Conflict(_("The result of {name} was withdrawn already, on "
                       "{when}: {withdrawn_reason}").format(
            name=name(vote), when=at(vote.withdrawn_at, 'f'),
            withdrawn_reason=vote.withdrawn_reason))
    if not reason:
        raise UserError(_("Say why the result is withdrawn; the audit log and the minutes keep "
                        "it: `/lab vote withdraw {number} <reason>`.").format(
            number=vote.number))
    room = Limits.ID - len(action_ids.encode("vote.withdraw", vote.id, ""))
    if len(reason) > room:
        raise UserError(_("Keep the reason to {room} characters (this one has {count}); "
                        "say more in the minutes with `/lab note`.").format(
            room=room, count=len(reason)))
    outcome = (vote.result or {}).get("outcome", "closed")
    return Reply(card=confirm_card(
        _("Withdraw the result of {name} ({text})?").format(
            name=name(vote), text=shorten(vote.question, 100)),
        _("The result ({outcome}) will be marked withdrawn: “{reason}”. It stays on record "
        "with its ballots; the audit log and the open minutes keep the reason.").format(
            outcome=outcome, reason=reason),
        confirm=Button(_("Withdraw the result"),
                       action_ids.encode("vote.withdraw", vote.id, reason)),
        keep_id=action_ids.encode("vote.keep", vote.id),
        undo=_("A withdrawal is itself on record and is not undone.")))
