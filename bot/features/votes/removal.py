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
                summary="Delete an open vote (after you confirm); a facilitator can restore "
                        "it, ballots and all, for a while with `/lab vote restore`.",
                examples=("/lab vote delete 2",))
async def delete(call: Call[RequiredVoteRef]) -> Reply:
    vote = await find_vote(call, call.args.vote)
    if vote.status == VoteStatus.CLOSED:
        raise Conflict(
            f"{name(vote, start=True)} is closed: its result is a record of the lab and is "
            "never deleted. To set it aside, withdraw the result with a reason, which the "
            f"audit log and the minutes keep: `/lab vote withdraw {vote.number} <reason>`.")
    ballots = await call.uow.ballots.count(vote.id)
    within = call.ctx.settings.lab.restore_within
    return Reply(card=confirm_card(
        f"Delete {name(vote)} ({shorten(vote.question, 100)})?",
        f"It stops taking ballots at once and leaves the lab's lists; its "
        f"{plural(ballots, 'ballot')} cast so far will be out of reach.",
        confirm=Button(f"Delete vote #{vote.number}", action_ids.encode("vote.delete", vote.id)),
        keep_id=action_ids.encode("vote.keep", vote.id),
        undo=f"A facilitator can restore it with its ballots within {within} with "
             f"`/lab vote restore {vote.number}`."))


@router.command("vote restore", args=RequiredVoteRef, access="facilitator", topic="vote",
                summary="Bring back a deleted vote with its ballots, within the lab's restore "
                        "period.", examples=("/lab vote restore 2",))
async def restore(call: Call[RequiredVoteRef]) -> Reply:
    lab = call.the_lab
    text = call.args.vote.strip().removeprefix("#").strip()
    if not text.isdigit():
        raise UserError("Give the deleted vote's number, e.g. `/lab vote restore 2`.")
    vote = await call.uow.votes.deleted_by_number(lab.id, int(text))
    if vote is None:
        if await call.uow.votes.by_number(lab.id, int(text)) is not None:
            raise Conflict(f"{name(int(text), start=True)} is not deleted; there is nothing "
                           "to restore.")
        raise NotFound(f"{lab.name} has no deleted {name(int(text))}.")
    settings = call.ctx.settings.lab
    if not can_restore(vote.deleted_at, settings.restore_period, call.now):
        when = f" on {at(vote.deleted_at, 'f')}" if vote.deleted_at else ""
        raise Conflict(
            f"{name(vote, start=True)} was deleted{when}; deleted "
            f"votes can be restored for {settings.restore_within}, so it can no longer come "
            "back. Open a new one with `/lab vote new`.")
    vote.status, vote.deleted_at = VoteStatus.OPEN, None
    ballots = await call.uow.ballots.count(vote.id)
    await call.audit("vote.restored", vote=vote.number, question=vote.question,
                     ballots=ballots)
    # Its deadline and nudges were cancelled with the delete: plan them again (a close time
    # passed meanwhile closes it at once).
    await call.emit(VoteOpened(lab_id=lab.id, vote_id=vote.id, closes_at=vote.closes_at))
    text = (f"{call.person.display_name} restored {name(vote)} ({vote.question}) with its "
            f"{plural(ballots, 'ballot')}.")
    call.announce(Card((Text(shorten(text, Limits.TEXT)),),
                       fallback=shorten(text, Limits.PLAIN_TEXT)))
    return Reply.say(f"{name(vote, start=True)} is back and open, with its "
                     f"{plural(ballots, 'ballot')}.")


@router.command("vote withdraw", args=WithdrawArgs, access="facilitator", topic="vote",
                summary="Withdraw a closed vote's result, with a reason (after you confirm). "
                        "The result stays on record; the audit log and minutes keep the reason.",
                usage_line="/lab vote withdraw <vote> <reason>",
                examples=("/lab vote withdraw 2 two members had not been told",))
async def withdraw(call: Call[WithdrawArgs]) -> Reply:
    vote = await find_vote(call, call.args.vote)
    reason = " ".join((call.args.reason or "").split()).strip('"“”').strip()
    if vote.status != VoteStatus.CLOSED:
        raise Conflict(
            f"{name(vote, start=True)} is still open, so it has no result to withdraw. Close "
            f"it with `/lab vote close {vote.number}`, or delete it with "
            f"`/lab vote delete {vote.number}`.")
    if vote.withdrawn_at is not None:
        raise Conflict(f"The result of {name(vote)} was withdrawn already, on "
                       f"{at(vote.withdrawn_at, 'f')}: {vote.withdrawn_reason}")
    if not reason:
        raise UserError("Say why the result is withdrawn; the audit log and the minutes keep "
                        f"it: `/lab vote withdraw {vote.number} <reason>`.")
    room = Limits.ID - len(action_ids.encode("vote.withdraw", vote.id, ""))
    if len(reason) > room:
        raise UserError(f"Keep the reason to {room} characters (this one has {len(reason)}); "
                        "say more in the minutes with `/lab note`.")
    outcome = (vote.result or {}).get("outcome", "closed")
    return Reply(card=confirm_card(
        f"Withdraw the result of {name(vote)} ({shorten(vote.question, 100)})?",
        f"The result ({outcome}) will be marked withdrawn: “{reason}”. It stays on record "
        "with its ballots; the audit log and the open minutes keep the reason.",
        confirm=Button("Withdraw the result",
                       action_ids.encode("vote.withdraw", vote.id, reason)),
        keep_id=action_ids.encode("vote.keep", vote.id),
        undo="A withdrawal is itself on record and is not undone."))
