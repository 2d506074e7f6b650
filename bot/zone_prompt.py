"""Ask a lab member for their time zone, once ever, when the platform did not say it.

Slack reports a member's zone (users.info); Discord and the console do not. Times in cards,
deadlines and reminders are shown in the reader's zone, so a member without one is asked,
privately, with the zone picker, after whatever they did in a lab's channel. The question is
recorded on the person (`timezone_asked_at`) so it is asked once, not once per process, and
never twice when two processes answer the same person at once.
"""

from __future__ import annotations

import logging

from bot.context import Context
from bot.i18n import N_, _
from bot.messages import Action, Command, Inbound, Reply, Submission
from bot.zone_picker import zone_picker_card

log = logging.getLogger(__name__)

ZONE_PROMPT = (
    N_("Which time zone are you in? I show meeting times, deadlines and reminders in your zone, "
    "and I don't know it yet. Choose below, or type `/lab tz` and a city for any other zone.")
)


def worth_asking(event: Inbound, reply: Reply) -> bool:
    """Whether this moment could be the one to ask, before looking at the database.

    Not for a reaction (it has no answer to follow), nor in a direct message (the lab's
    channel is where members act), nor when the platform gave a zone with the event, nor
    with a form being opened (Discord allows nothing to follow a form).
    """
    return (isinstance(event, Command | Action | Submission) and not event.place.direct
            and not event.actor.tz and reply.form is None)


async def ask_zone_once(ctx: Context, event: Inbound, reply: Reply) -> Reply:
    """`reply`, followed by the zone picker if its member has no zone and was never asked.

    Never raises: asking is a courtesy, and the reply goes out whatever happens here.
    """
    if not worth_asking(event, reply):
        return reply
    actor = event.actor
    try:
        async with ctx.uow() as uow:
            person = await uow.people.by_identity(actor.platform, actor.workspace,
                                                  actor.user_id)
            if person is None or person.timezone or person.timezone_asked_at is not None:
                return reply
            if not await uow.members.labs_of(person.id):
                return reply  # not a member of any lab (yet): nothing of theirs is timed
            if not await uow.people.claim_zone_question(person.id, ctx.clock.now()):
                return reply
            await uow.commit()
    except Exception:
        log.exception("could not check whether to ask for a time zone")
        return reply
    return reply.then(Reply(card=zone_picker_card(_(ZONE_PROMPT))))
