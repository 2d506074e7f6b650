"""`/lab mydata` and `/lab forget me`: each person's own data, to take away or to erase."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from bot import action_ids
from bot.arguments import Args, Pos
from bot.errors import Conflict, StaleControl
from bot.features.common import confirm_card, kept
from bot.features.privacy.data import collect, to_json
from bot.features.privacy.erase import erase_person, refusal
from bot.i18n import N_, _
from bot.messages import Button, Card, File, Recipient, Reply, Text
from bot.router import Call, Router

router = Router()
log = logging.getLogger(__name__)


@router.command("membership mydata", aliases=("mydata",), access="anyone", topic="privacy",
                open_when_archived=True,
                summary=N_("Get everything the bot holds about you, as a JSON file, privately."))
async def mydata(call: Call[Any]) -> Reply:
    data = await collect(call.uow, call.person.id, call.now)
    file = File(f"actionlab-my-data-{call.now:%Y-%m-%d}.json", to_json(data),
                "application/json", alt=_("Everything actionlab holds about you"))
    await call.audit("person.data_taken")
    if call.place.direct:
        return Reply(text=_("Everything I hold about you, as JSON. Nothing of anyone else is in "
                          "it."), files=(file,))
    to = Recipient(call.actor.platform, call.actor.workspace, call.actor.user_id)
    ctx = call.ctx

    async def send() -> None:
        try:
            await ctx.messengers.notify(to, Card((Text(
                _("Everything I hold about you, as JSON. Nothing of anyone else is in it.")),),
                fallback=_("Your data")), (file,))
        except Exception:
            log.exception("could not send someone their data")

    call.uow.after_commit(send)
    return Reply.say(_("I have sent you everything I hold about you, as a JSON file, in a "
                     "direct message."))


class ForgetArgs(Args):
    who: Annotated[Literal["me"], Pos("me")]


@router.command("membership forget", aliases=("forget",), args=ForgetArgs,
                access="anyone", topic="privacy", open_when_archived=True,
                usage_line="forget me",
                summary=N_("Erase your personal data from the bot (after a confirmation)."))
async def forget(call: Call[ForgetArgs]) -> Reply:
    why = await refusal(call.uow, call.person.id)
    if why:
        raise Conflict(why)
    return Reply(card=confirm_card(
        _("Forget you?"),
        _("Your name, accounts and time zone, your applications, your answers and ballots in "
        "anything still open, and your reminders will be erased, and you will leave every "
        "lab. Closed results, anonymised ballots and minutes stay, attributed to \"a former "
        "member\"."),
        confirm=Button(_("Forget me"), action_ids.encode("privacy.forget", call.person.id)),
        keep_id=action_ids.encode("privacy.keep", call.person.id),
        undo=_("This cannot be undone."),
    ))


@router.action("privacy.forget", scope="none")
async def forget_confirmed(call: Call[Any]) -> Reply:
    assert call.action is not None
    if call.action.ref != str(call.person.id):
        raise StaleControl()  # only the person who asked can confirm
    erased = await erase_person(call.ctx, call.uow, call.person.id, call.now)
    return Reply(card=Card((Text(
        _("Done: you are forgotten. You left {labs_left} lab(s); "
        "{applications} application(s) and {reminders} reminder(s) were "
        "erased. If you write to me again, I will meet you as someone new.").format(
            labs_left=erased.labs_left, applications=erased.applications,
            reminders=erased.reminders)),),
        fallback=_("You are forgotten")), replace=True)


@router.action("privacy.keep", scope="none")
async def forget_kept(call: Call[Any]) -> Reply:
    return kept(_("your data"))
