"""Attendance at the open minutes: present (typed or the card's button) and apologies."""

from __future__ import annotations

from typing import Annotated, Any

from bot.arguments import Args, Complete, Pos
from bot.domain.minutes import MinutesStatus, Presence
from bot.errors import Conflict, NotFound
from bot.features.common import find_member
from bot.features.minutes.cards import minutes_card
from bot.features.minutes.service import label, open_minutes
from bot.i18n import N_, _
from bot.messages import Reply
from bot.router import Call, Router
from storage.models import Attendance, Minutes

router = Router()


async def mark_present(call: Call[Any], minutes: Minutes) -> Attendance | None:
    """Mark the caller present; None if they already were."""
    found = await call.uow.minutes.attendance_of(minutes.id, call.person.id)
    if found is not None and found.status is Presence.PRESENT:
        return None
    if found is None:
        found = await call.uow.minutes.add_attendance(Attendance(
            minutes_id=minutes.id, person_id=call.person.id, status=Presence.PRESENT,
            recorded_at=call.now, recorded_by_id=call.person.id))
    else:  # they sent apologies and came after all
        found.status, found.recorded_at = Presence.PRESENT, call.now
        found.recorded_by_id = call.person.id
    await call.audit("minutes.present", minutes=minutes.id)
    return found


@router.command("present", topic="minutes", summary=N_("Say you are at the meeting."))
async def present(call: Call[Any]) -> Reply:
    minutes = await open_minutes(call)
    if await mark_present(call, minutes) is None:
        return Reply.say(_("You are already marked present at {label}.").format(
            label=label(minutes)))
    return Reply.say(_("You are marked present at {label}.").format(label=label(minutes)))


@router.action("minutes.here", scope="minutes")
async def here(call: Call[Any]) -> Reply:
    minutes = await call.uow.minutes.get(call.ref)
    if minutes is None:
        raise NotFound(_("Those minutes no longer exist."))
    if minutes.status is not MinutesStatus.OPEN:
        raise Conflict(_("The minutes of {label} have ended.").format(
            label=label(minutes)))
    if await mark_present(call, minutes) is None:
        return Reply.say(_("You are already marked present at {label}.").format(
            label=label(minutes)))
    await call.uow.flush()
    return Reply(card=await minutes_card(call.uow, minutes, button=True), private=False,
                 replace=True)


class ApologiesArgs(Args):
    member: Annotated[str, Pos("member", greedy=True), Complete("member")]


@router.command("apologies", args=ApologiesArgs, topic="minutes",
                summary=N_("Record apologies from a member who cannot come (`me` for yourself)."),
                examples=("/lab apologies Priya", "/lab apologies me"))
async def apologies(call: Call[ApologiesArgs]) -> Reply:
    minutes = await open_minutes(call)
    if call.args.member.strip().casefold() in ("me", "myself", "i"):
        target = call.the_member
    else:
        target = await find_member(call, call.args.member)
    name = target.person.display_name
    found = await call.uow.minutes.attendance_of(minutes.id, target.person_id)
    if found is not None and found.status is Presence.PRESENT:
        raise Conflict(_("{name} is marked present at {label}; apologies are for "
                       "members who could not come.").format(name=name, label=label(minutes)))
    if found is not None:
        return Reply.say(_("Apologies from {name} are already recorded.").format(name=name))
    await call.uow.minutes.add_attendance(Attendance(
        minutes_id=minutes.id, person_id=target.person_id, status=Presence.APOLOGIES,
        recorded_at=call.now, recorded_by_id=call.person.id))
    await call.audit("minutes.apologies", minutes=minutes.id, member=target.person_id)
    return Reply.say(_("Recorded apologies from {name} for {label}.").format(
        name=name, label=label(minutes)))
