"""A person's home card: what needs them across their labs (Slack's App Home, `/lab home`).

Each feature contributes a section with `@router.home_section(order)`.

The App Home is also pushed (Slack `views.publish`), not only drawn when opened: a change
that concerns a lab's members (a poll or vote opened, a meeting scheduled, moved or
cancelled) asks, once committed, for each member's home to be drawn again HOME_GAP later;
several changes within that time make one push per member (one timer per person, with a
stable id), and the home is drawn as `/lab home` draws it, with the state as it then is.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot.context import Context as AppContext
from bot.domain.zones import format_local
from bot.events import (
    Happening,
    MeetingCancelled,
    MeetingMoved,
    MeetingScheduled,
    PollOpened,
    VoteOpened,
)
from bot.i18n import N_, _
from bot.messages import Actor, Block, Card, Command, Context, Header, Place, Reply, Text
from bot.ports import DeliveryError
from bot.router import Call, Router

log = logging.getLogger(__name__)

router = Router()

HOME_GAP = timedelta(seconds=2)  # changes this close together make one push per member
HOME_PLATFORMS = ("slack",)  # where a person has a home the bot can draw (the App Home)


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


# --- the App Home, pushed ------------------------------------------------------------------


async def members_concerned(
        event: PollOpened | VoteOpened | MeetingScheduled | MeetingMoved | MeetingCancelled,
        h: Happening) -> None:
    """A change every member of the lab sees on their home: push it to them once committed."""
    people = [m.person_id for m in await h.uow.members.active(event.lab_id)]
    ctx = h.ctx
    h.uow.after_commit(lambda: push_later(ctx, people))


def push_later(ctx: AppContext, people: list[int]) -> None:
    """Draw and push these people's homes HOME_GAP from now; one already waiting keeps its
    moment (it will draw the latest state), so a burst of changes is one push each."""
    if not any(ctx.messengers.has_home(p) for p in HOME_PLATFORMS):
        return
    at = ctx.clock.now() + HOME_GAP
    for person_id in people:
        job = f"home:push:{person_id}"
        current = ctx.jobs.next_run(job)
        if current is not None and current <= at:
            continue

        async def run(person_id: int = person_id) -> None:
            await push_home(ctx, person_id)

        ctx.jobs.schedule(job, at, run)


async def push_home(ctx: AppContext, person_id: int) -> int:
    """Draw this person's home as `/lab home` does and publish it on each platform that has
    one (each of their Slack identities); how many were published. Never raises."""
    async with ctx.uow() as uow:
        person = await uow.people.get(person_id)
        identities = [(i.platform, i.workspace, i.user_id)
                      for i in await uow.people.identities([person_id])
                      if i.platform in HOME_PLATFORMS and ctx.messengers.has_home(i.platform)]
        name = person.display_name if person is not None else ""
        locale = person.platform_locale if person is not None else None
    pushed = 0
    for platform, workspace, user_id in identities:
        actor = Actor(platform, workspace, user_id, name, locale=locale)  # type: ignore[arg-type]
        reply = await ctx.router.dispatch(ctx, Command(
            actor, Place(actor.platform, workspace, user_id, direct=True), text="home"))
        card = reply.card or Card((Text(reply.text or _("Nothing here yet.")),))
        try:
            await ctx.messengers.publish_home(actor.platform, workspace, user_id, card)
            pushed += 1
        except DeliveryError as exc:
            log.warning("could not push a home (%s)", exc.reason)
    return pushed
