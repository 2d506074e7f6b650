"""Remind now, for a poll: a facilitator's button (on the desk) and command that send the
members who have not answered every slot a private reminder at once (quiet hours honoured,
at most once every 12 hours; the reminders feature does the sending)."""

from __future__ import annotations

from typing import Any

from bot.errors import Conflict
from bot.features.polls.commands import PollRefArgs
from bot.features.polls.service import (
    close_poll,
    find_poll,
    poll_of_action,
    refuse_if_closed,
    unanswered,
)
from bot.features.reminders import remind_now, reminded_text
from bot.i18n import N_, _
from bot.messages import Reply
from bot.router import Call, Router
from storage.models import Poll

router = Router()


async def _remind(call: Call[Any], poll: Poll) -> Reply:
    refuse_if_closed(poll, call.now)
    name = _("poll #{number} ({title})").format(number=poll.number, title=poll.title)
    reminded = await remind_now(call, kind="poll", subject_id=poll.id, name=name,
                                closes_at=poll.closes_at,
                                pending=await unanswered(call.uow, poll.id))
    return Reply.say(reminded_text(call, name, reminded))


@router.command("poll remind", args=PollRefArgs, access="facilitator", topic="poll",
                summary=N_("Remind the members who have not answered a poll, privately, now "
                        "(at most once every 12 hours)."),
                examples=("/lab poll remind 1",))
async def poll_remind(call: Call[PollRefArgs]) -> Reply:
    return await _remind(call, await find_poll(call, call.args.poll))


@router.action("poll.remind", scope="poll", access="facilitator")
async def poll_remind_pressed(call: Call[Any]) -> Reply:
    return await _remind(call, await poll_of_action(call))


@router.action("poll.close_now", scope="poll", access="facilitator")
async def poll_close_pressed(call: Call[Any]) -> Reply:
    """The desk's Close button: close as `/lab poll close` does (the claim has the last word
    against the deadline timer or a second press)."""
    poll = await poll_of_action(call)
    if not await close_poll(call.ctx, call.uow, poll.id, call.now, closed_by=call.person.id):
        raise Conflict(_("Poll #{number} is already closed. See "
                       "`/lab poll results {number}`.").format(number=poll.number))
    return Reply.say(_("Poll #{number} is closed; I told the lab. "
                     "{rstrip}.").format(
        number=poll.number, rstrip=(poll.outcome or '').rstrip('.')))
