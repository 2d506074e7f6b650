"""Attendance at the open minutes: present (typed or the card's button) and apologies."""

from __future__ import annotations

from typing import Annotated, Any

from bot.arguments import Args, Complete, Pos
from bot.domain.lab import Role
from bot.domain.minutes import MinutesStatus, Presence
from bot.errors import Conflict, NotFound
from bot.features.common import find_member
from bot.features.minutes.cards import minutes_card
from bot.features.minutes.service import label, open_minutes
from bot.i18n import N_, _
from bot.messages import Reply
from bot.router import Call, Router, require_role
from storage.models import Attendance, Minutes

router = Router()


async def mark_present(call: Call[Any], minutes: Minutes,
                       person_id: int | None = None) -> Attendance | None:
    """Mark the caller (or `person_id`, marked by the secretary) present; None if they
    already were."""
    who = call.person.id if person_id is None else person_id
    found = await call.uow.minutes.attendance_of(minutes.id, who)
    if found is not None and found.status is Presence.PRESENT:
        return None
    if found is None:
        found = await call.uow.minutes.add_attendance(Attendance(
            minutes_id=minutes.id, person_id=who, status=Presence.PRESENT,
            recorded_at=call.now, recorded_by_id=call.person.id))
    else:  # they sent apologies and came after all
        found.status, found.recorded_at = Presence.PRESENT, call.now
        found.recorded_by_id = call.person.id
    if who == call.person.id:
        await call.audit("minutes.present", minutes=minutes.id)
    else:
        await call.audit("minutes.present", minutes=minutes.id, member=who)
    return found


_MYSELF = ("me", "myself", "i")


class PresentArgs(Args):
    member: Annotated[str | None, Pos("member", greedy=True), Complete("member")] = None


@router.command("present", args=PresentArgs, topic="minutes",
                summary=N_("Say you are at the meeting; the secretary can mark a member "
                           "present."),
                examples=("/lab present", "/lab present Priya"))
async def present(call: Call[PresentArgs]) -> Reply:
    minutes = await open_minutes(call)
    typed = (call.args.member or "").strip()
    if typed and typed.casefold() not in _MYSELF:
        target = await find_member(call, typed)
        if target.person_id != call.person.id:
            await require_role(call, Role.SECRETARY, what=_("mark someone else present"))
            name = target.person.display_name
            if await mark_present(call, minutes, target.person_id) is None:
                return Reply.say(_("{name} is already marked present at {label}.").format(
                    name=name, label=label(minutes)))
            return Reply.say(_("{name} is marked present at {label}.").format(
                name=name, label=label(minutes)))
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
    if call.args.member.strip().casefold() in _MYSELF:
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
