"""Deleting a poll (after confirming; its slots and answers are kept) and restoring it within
the lab's restore period."""

from __future__ import annotations

from bot import action_ids
from bot.domain.polls import PollStatus
from bot.domain.restore import can_restore
from bot.domain.wording import plural
from bot.errors import Conflict, NotFound, UserError
from bot.events import PollOpened
from bot.features.common import confirm_card
from bot.features.polls.commands import PollRefArgs
from bot.features.polls.service import find_poll
from bot.i18n import N_, _
from bot.messages import (
    Button,
    Card,
    Reply,
    Text,
    at,
)
from bot.router import Call, Router

router = Router()


# --- delete ---------------------------------------------------------------------------------


@router.command("poll delete", args=PollRefArgs, access="facilitator", topic="poll",
                summary=N_("Delete a poll (after you confirm); a facilitator can restore it for "
                        "a while with `/lab poll restore`."))
async def poll_delete(call: Call[PollRefArgs]) -> Reply:
    poll = await find_poll(call, call.args.poll)
    answers = len(await call.uow.polls.answers(poll.id))
    within = call.ctx.settings.lab.restore_within
    state = _("It stops taking answers at once. ") if poll.status == PollStatus.OPEN else ""
    return Reply(card=confirm_card(
        _("Delete poll #{number} ({title})?").format(
            number=poll.number, title=poll.title),
        _("{state}Its {count} and its results will be out of everyone's "
        "sight; meetings already scheduled from it stay.").format(
            state=state, count=plural(answers, 'answer')),
        confirm=Button(_("Delete poll #{number}").format(
            number=poll.number), action_ids.encode("poll.delete", poll.id)),
        keep_id=action_ids.encode("poll.keep", poll.id),
        undo=_("A facilitator can restore it, answers and all, within {within} with "
             "`/lab poll restore {number}`.").format(within=within, number=poll.number)))


@router.command("poll restore", args=PollRefArgs, access="facilitator", topic="poll",
                summary=N_("Bring back a deleted poll with its answers, within the lab's restore "
                        "period."), examples=("/lab poll restore 2",))
async def poll_restore(call: Call[PollRefArgs]) -> Reply:
    lab = call.the_lab
    text = call.args.poll.strip().removeprefix("#").strip()
    if not text.isdigit():
        raise UserError(_("Give the deleted poll's number, e.g. `/lab poll restore 2`."))
    poll = await call.uow.polls.deleted_by_number(lab.id, int(text))
    if poll is None:
        if await call.uow.polls.by_number(lab.id, int(text)) is not None:
            raise Conflict(_("Poll #{text} is not deleted; there is nothing to restore.").format(
                text=text))
        raise NotFound(_("{name} has no deleted poll #{text}.").format(
            name=lab.name, text=text))
    period = call.ctx.settings.lab.restore_period
    if not can_restore(poll.deleted_at, period, call.now):
        when = f" on {at(poll.deleted_at, 'f')}" if poll.deleted_at else ""
        raise Conflict(
            _("Poll #{number} ({title}) was deleted{when}; deleted polls can be "
            "restored for {restore_within}, so it can no longer "
            "come back. Open a new one with `/lab poll new`.").format(
                number=poll.number, title=poll.title, when=when,
                restore_within=call.ctx.settings.lab.restore_within))
    poll.status = PollStatus.CLOSED if poll.closed_at is not None else PollStatus.OPEN
    poll.deleted_at = None
    answers = len(await call.uow.polls.answers(poll.id))
    await call.audit("poll.restored", poll=poll.id, number=poll.number, title=poll.title,
                     answers=answers)
    if poll.status == PollStatus.OPEN:
        # Its deadline and nudges were cancelled with the delete: plan them again.
        await call.emit(PollOpened(lab_id=lab.id, poll_id=poll.id, closes_at=poll.closes_at))
    with call.in_lab_language():  # posted in the channel
        text_ = (_("{display_name} restored poll #{number} ({title}) with "
                 "its {count}.").format(
            display_name=call.person.display_name, number=poll.number, title=poll.title,
            count=plural(answers, 'answer')))
    call.announce(Card((Text(text_),), fallback=text_))
    return Reply.say(_("Poll #{number} is back, with its {count}.").format(
        number=poll.number, count=plural(answers, 'answer')))
