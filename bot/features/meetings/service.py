"""Scheduling a meeting (what a poll's pick calls), finding one by number or title, and
refusing a change to one that is over."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from bot.domain.meetings import MeetingStatus, why_unchangeable
from bot.errors import Conflict, NotFound, UserError
from bot.events import MeetingScheduled
from bot.features.live import post_live
from bot.features.meetings.cards import meeting_card
from bot.features.meetings.invites import invite_file
from bot.i18n import _
from bot.router import Call
from storage.models import Meeting, Poll


async def schedule_meeting(
    call: Call[Any], *, title: str, starts_at: datetime, duration_minutes: int,
    poll: Poll | None = None, slot_number: int | None = None,
) -> Meeting:
    """Create a meeting, announce it with its invite, and publish MeetingScheduled."""
    lab = call.the_lab
    meeting = await call.uow.meetings.add(Meeting(
        lab_id=lab.id, number=await call.uow.meetings.next_number(lab.id), title=title,
        starts_at=starts_at, duration_minutes=duration_minutes, status=MeetingStatus.SCHEDULED,
        uid=f"{uuid.uuid4()}@actionlab", sequence=0,
        organizer=call.ctx.settings.calendar.organizer, poll_id=poll.id if poll else None,
        slot_number=slot_number, created_at=call.now, created_by_id=call.person.id,
        updated_at=call.now, agenda=[],
    ))
    await call.audit("meeting.scheduled", meeting=meeting.id, number=meeting.number,
                     starts_at=starts_at.isoformat(), poll=poll.id if poll else None,
                     slot=slot_number)
    await call.emit(MeetingScheduled(lab_id=lab.id, meeting_id=meeting.id, starts_at=starts_at,
                                     title=title, duration_minutes=duration_minutes))
    with call.in_lab_language():  # posted in the channel
        source = _("From poll #{number}, slot #{slot_number}.").format(
            number=poll.number, slot_number=slot_number) if poll else ""
        card = await meeting_card(call.uow, lab, meeting, _("Meeting scheduled: {title}").format(
            title=title), source)
        post_live(call.ctx, call.uow, lab.id, "meeting", meeting.id, card,
                  (invite_file(meeting, lab.name, "REQUEST", call.now),))
    return meeting


async def find_meeting(call: Call[Any], ref: str) -> Meeting:
    """The lab's meeting that `ref` names: "#2", "2", or its title."""
    lab = call.the_lab
    text = ref.strip().removeprefix("#").strip()
    meetings = await call.uow.meetings.of_lab(lab.id)
    if text.isdigit():
        found = [m for m in meetings if m.number == int(text)]
    else:
        found = [m for m in meetings if m.title.casefold() == text.casefold()]
        if len(found) > 1:
            numbers = ", ".join(f"#{m.number}" for m in found)
            raise UserError(_("Several meetings are called `{text}` ({numbers}); give "
                              "the number.").format(
                text=text, numbers=numbers))
    if found:
        return found[0]
    listing = ", ".join(f"#{m.number} {m.title}" for m in meetings[-10:])
    hint = _("Its meetings: {listing}.").format(listing=listing) if meetings else (
        _("It has no meetings yet; a facilitator schedules one with `/lab poll pick`."))
    raise NotFound(_("{name} has no meeting `{ref}`. {hint}").format(
        name=lab.name, ref=ref, hint=hint))


def refuse_if_over(meeting: Meeting, now: datetime) -> None:
    why = why_unchangeable(meeting.number, meeting.title, meeting.status, meeting.starts_at,
                           now)
    if why is not None:
        raise Conflict(why)
