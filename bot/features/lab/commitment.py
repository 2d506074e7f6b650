"""A changed confidentiality commitment is accepted again: every member but the facilitator
who changed it gets the new text privately, with a button to accept it, and until they do the
lab's commands answer them with where to read it (bot/dispatch.py asks
`bot.domain.lab.awaits_acceptance`). `/lab join` shows it again; `/lab leave` stays open."""

from __future__ import annotations

import logging
from typing import Any

from bot import action_ids
from bot.context import Context as AppContext
from bot.domain.lab import awaits_acceptance
from bot.domain.zones import format_local
from bot.errors import Conflict
from bot.i18n import N_, _, resolve, use_locale
from bot.messages import Button, Buttons, Card, Context, Header, Reply, Text
from bot.places import recipient_of
from bot.ports import DeliveryError
from bot.router import Call, Router
from storage.models import Lab, Membership

router = Router()
log = logging.getLogger(__name__)

ACCEPT_AGAIN = N_("I accept the new commitment")


def commitment_card(lab: Lab, zone: str) -> Card:
    """The new text and its button, for a member who accepted the one before."""
    changed = (_("The confidentiality commitment changed on {when}.").format(
        when=format_local(lab.commitment_changed_at, zone)) if lab.commitment_changed_at
               else _("The confidentiality commitment changed."))
    return Card((
        Header(_("The commitment of {name} changed").format(name=lab.name)),
        Text(_("{changed} Please read it and accept it to go on taking part:\n\n"
               "{commitment}").format(changed=changed, commitment=lab.commitment)),
        Context(_("If you no longer agree, you can leave with `/lab leave`.")),
        Buttons((Button(_(ACCEPT_AGAIN), action_ids.encode("lab.reaccept", lab.id),
                        style="primary"),)),
    ), fallback=_("The confidentiality commitment of {name} changed: please accept it "
                  "again").format(name=lab.name))


def ask_again(ctx: AppContext, call: Call[Any]) -> None:
    """Once the change is committed, send every other active member the new text."""
    lab_id, changer = call.the_lab.id, call.person.id

    async def tell() -> None:
        async with ctx.uow() as uow:
            lab = await uow.labs.get(lab_id)
            if lab is None:
                return
            others = [m for m in await uow.members.active(lab_id) if m.person_id != changer]
            identities = await uow.people.identities([m.person_id for m in others])
            zones = {m.person_id: m.person.timezone or lab.timezone for m in others}
            speaks = {m.person_id: resolve(m.person.language, m.person.platform_locale,
                                           lab.language) for m in others}
            addressed: set[int] = set()
            for identity in identities:
                if identity.person_id in addressed or not ctx.messengers.has(identity.platform):
                    continue
                addressed.add(identity.person_id)
                with use_locale(speaks[identity.person_id]):  # each in their language
                    card = commitment_card(lab, zones[identity.person_id])
                try:
                    await ctx.messengers.notify(recipient_of(identity), card)
                except DeliveryError as exc:
                    log.warning("could not send the new commitment of lab %s: %s", lab_id,
                                exc.reason)

    call.uow.after_commit(tell)


def stale_acceptance(member: Membership | None, lab: Lab | None) -> bool:
    return (member is not None and lab is not None
            and awaits_acceptance(accepted_at=member.accepted_at,
                                  changed_at=lab.commitment_changed_at))


# A member's direct message or the lab's channel: where the card was sent or `/lab join` shown.
@router.action("lab.reaccept", scope="lab", access="lab")
async def reaccept(call: Call[Any]) -> Reply:
    lab, member = call.the_lab, call.the_member
    if not stale_acceptance(member, lab):
        raise Conflict(_("You have already accepted the current commitment of {name}.").format(
            name=lab.name))
    member.accepted_at = call.now
    await call.audit("member.reaccepted")
    return Reply(card=Card((Text(_("Thank you: you accepted the new commitment of {name}. "
                                 "Everything in the lab is open to you again.").format(
        name=lab.name)),),
                           fallback=_("Commitment accepted")), replace=True)
