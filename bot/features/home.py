"""A person's home card: what needs them across their labs (Slack's App Home, `/lab home`).

Each feature contributes a section with `@router.home_section(order)`.
"""

from __future__ import annotations

from typing import Any

from bot.domain.zones import format_local
from bot.i18n import N_, _
from bot.messages import Block, Card, Context, Header, Reply, Text
from bot.router import Call, Router

router = Router()


async def home_card(call: Call[Any]) -> Card:
    """Everything that needs this person, section by section, within one card's limits."""
    blocks: list[Block] = [Header(_("Hello, {name}").format(name=call.person.display_name))]
    for _x, section in call.ctx.router.home_sections:
        part = await section(call)
        if len(blocks) + len(part) > 48:
            blocks.append(Context(_("More is waiting: see `/lab help` for the commands.")))
            break
        blocks.extend(part)
    return Card(tuple(blocks), fallback=_("Home of {display_name}").format(
        display_name=call.person.display_name))


@router.command("home", access="anyone", topic="lab",
                summary=N_("What needs you: your labs, things to answer, action items, meetings."))
async def home(call: Call[Any]) -> Reply:
    return Reply(card=await home_card(call))


@router.home_section(0)
async def labs_section(call: Call[Any]) -> list[Block]:
    memberships = await call.uow.members.labs_of(call.person.id)
    zone = call.person.timezone
    when = (_("Your time zone is {zone}; it is {format_local} now.").format(
        zone=zone, format_local=format_local(call.now, zone, name=False))
            if zone else _("Set your time zone with `/lab tz <zone>` to see times in yours."))
    if not memberships:
        return [Text(_("You are not in a lab yet. Type `/lab join` in a lab's channel.")),
                Context(when)]
    lines = []
    for m in memberships:
        lab = await call.uow.labs.get(m.lab_id)
        if lab is not None:
            lines.append(f"• *{lab.name}* — {m.role.value}")
    return [Text(_("*Your labs*\n") + "\n".join(lines)), Context(when)]
