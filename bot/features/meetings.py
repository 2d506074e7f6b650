"""Meetings: scheduled from a poll's slot, moved, cancelled, listed; each change announced
in every channel of the lab with local times and a calendar invite (.ics)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

from bot.arguments import Args, Complete, Kw, Pos
from bot.domain import availability as av
from bot.domain import wording
from bot.domain.calendar import Method, Party, invite
from bot.domain.wording import plural
from bot.domain.zones import format_local, require_zone
from bot.errors import Conflict, NotFound, UserError
from bot.events import MeetingCancelled, MeetingMoved, MeetingScheduled
from bot.features.common import paginate
from bot.features.polls import numbered_choices, times_in
from bot.messages import Block, Card, Context, File, Header, Reply, Text, at, shorten
from bot.router import Call, Router
from bot.subjects import SubjectInfo, Upcoming
from storage.models import Lab, Meeting, Poll
from storage.uow import UnitOfWork

router = Router()

MEETINGS_PER_PAGE = 10


def meeting_name(meeting: Meeting, *, start: bool = False) -> str:
    """How a sentence names `meeting` (see `bot.domain.wording.meeting_name`)."""
    return wording.meeting_name(meeting.number, meeting.title, start=start)


def invite_file(meeting: Meeting, lab_name: str, method: Method, now: datetime) -> File:
    """The meeting's .ics as a File to attach; `method` REQUEST (new or changed) or CANCEL.

    The SEQUENCE is the meeting's own counter: callers bump it before re-sending a change.
    The lab organizes, at the address the meeting was scheduled with, and its members, as a
    group, attend: the same in every invite about the meeting, as calendar apps expect.
    """
    verb = "cancelled" if method == "CANCEL" else "scheduled"
    description = (
        f"{lab_name}: {meeting_name(meeting)}, {verb} with actionlab. "
        "The time in this file is UTC; your calendar shows it in your own zone."
    )
    data = invite(
        uid=meeting.uid, title=f"{lab_name}: {meeting.title}", description=description,
        starts_at=meeting.starts_at, duration=timedelta(minutes=meeting.duration_minutes),
        sequence=meeting.sequence, method=method, stamp=now,
        organizer=Party(meeting.organizer, lab_name),
        attendees=(Party(meeting.organizer, lab_name, group=True),),
    )
    suffix = "-cancel" if method == "CANCEL" else ""
    return File(f"meeting-{meeting.number}{suffix}.ics", data, "text/calendar",
                alt=f"Calendar invite for {meeting.title}")


async def local_times(uow: UnitOfWork, lab: Lab, meeting: Meeting) -> str:
    """One line per member: the meeting in their own zone, marked if early or late there
    (in words about that member: everyone in the channel reads the card)."""
    length = timedelta(minutes=meeting.duration_minutes)
    lines = []
    for m in await uow.members.active(lab.id):
        zone = m.person.timezone
        if zone is None:
            lines.append(f"{m.person.display_name}: zone not set (`/lab tz <zone>`)")
            continue
        mark = av.comfort_mark(meeting.starts_at, length, zone, reader="them")
        lines.append(f"{m.person.display_name}: {format_local(meeting.starts_at, zone)}"
                     + (f" · _{mark}_" if mark else ""))
    return "\n".join(lines)


async def meeting_card(uow: UnitOfWork, lab: Lab, meeting: Meeting, headline: str,
                       note: str = "") -> Card:
    start = meeting.starts_at
    when = (f"*{meeting.title}* of {lab.name}: {at(start)} ({at(start, 'R')}), "
            f"{plural(meeting.duration_minutes, 'minute')}.")
    if meeting.status == "cancelled":
        when = f"*{meeting.title}* of {lab.name}, planned for {at(start)}, is cancelled."
    blocks: list[Block] = [Header(shorten(headline, 150)), Text(when)]
    if note:
        blocks.append(Text(note))
    if meeting.status != "cancelled":
        blocks.append(Text(shorten("*Local times*\n" + await local_times(uow, lab, meeting),
                                   3000)))
    action = ("remove the meeting from" if meeting.status == "cancelled" else
              "add or update the meeting in")
    number = "" if wording.title_says_number(meeting.number, meeting.title) \
        else f" (this one is #{meeting.number})"
    blocks.append(Context(
        f"The calendar invite (.ics) is attached: open it to {action} your calendar. "
        f"`/lab meetings` lists the lab's meetings{number}."
    ))
    return Card(tuple(blocks), fallback=headline)


async def schedule_meeting(
    call: Call[Any], *, title: str, starts_at: datetime, duration_minutes: int,
    poll: Poll | None = None, slot_number: int | None = None,
) -> Meeting:
    """Create a meeting, announce it with its invite, and publish MeetingScheduled."""
    lab = call.the_lab
    meeting = await call.uow.meetings.add(Meeting(
        lab_id=lab.id, number=await call.uow.meetings.next_number(lab.id), title=title,
        starts_at=starts_at, duration_minutes=duration_minutes, status="scheduled",
        uid=f"{uuid.uuid4()}@actionlab", sequence=0,
        organizer=call.ctx.settings.calendar.organizer, poll_id=poll.id if poll else None,
        slot_number=slot_number, created_at=call.now, created_by_id=call.person.id,
        updated_at=call.now,
    ))
    await call.audit("meeting.scheduled", meeting=meeting.id, number=meeting.number,
                     starts_at=starts_at.isoformat(), poll=poll.id if poll else None,
                     slot=slot_number)
    await call.emit(MeetingScheduled(lab_id=lab.id, meeting_id=meeting.id, starts_at=starts_at,
                                     title=title, duration_minutes=duration_minutes))
    source = f"From poll #{poll.number}, slot #{slot_number}." if poll else ""
    card = await meeting_card(call.uow, lab, meeting, f"Meeting scheduled: {title}", source)
    call.ctx.announce(call.uow, lab.id, card,
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
            raise UserError(f"Several meetings are called `{text}` ({numbers}); give the number.")
    if found:
        return found[0]
    listing = ", ".join(f"#{m.number} {m.title}" for m in meetings[-10:])
    hint = f"Its meetings: {listing}." if meetings else (
        "It has no meetings yet; a facilitator schedules one with `/lab poll pick`.")
    raise NotFound(f"{lab.name} has no meeting `{ref}`. {hint}")


def _refuse_if_over(meeting: Meeting, now: datetime) -> None:
    if meeting.status == "cancelled":
        raise Conflict(f"{meeting_name(meeting, start=True)} is cancelled already.")
    if meeting.starts_at <= now:
        raise Conflict(f"{meeting_name(meeting, start=True)} has already begun; it can "
                       "no longer be moved or cancelled.")


# --- /lab meeting move ------------------------------------------------------------------------


class MoveArgs(Args):
    meeting: Annotated[str, Pos("meeting"), Complete("meeting")]
    when: Annotated[str, Pos("slot or YYYY-MM-DD HH:MM", greedy=True)]
    tz: Annotated[str | None, Kw("zone", words=1), Complete("zone")] = None


@router.command(
    "meeting move", args=MoveArgs, access="facilitator", topic="meeting",
    summary="Move a meeting to another slot of its poll or to a time (in your zone, or `tz`).",
    examples=("/lab meeting move 1 15", "/lab meeting move 1 2027-01-20 14:00 tz Europe/London"),
)
async def meeting_move(call: Call[MoveArgs]) -> Reply:
    lab = call.the_lab
    meeting = await find_meeting(call, call.args.meeting)
    _refuse_if_over(meeting, call.now)
    text = call.args.when.strip().removeprefix("#")
    slot_number = None
    if text.isdigit():
        if meeting.poll_id is None:
            raise UserError(f"Meeting #{meeting.number} did not come from a poll, so give a "
                            "date and time, e.g. `2027-01-20 14:00`.")
        slots = await call.uow.polls.slots(meeting.poll_id)
        if not 1 <= int(text) <= len(slots):
            raise NotFound(av.no_such_slot(int(text), len(slots)))
        starts_at, slot_number = slots[int(text) - 1].starts_at, int(text)
    else:
        try:
            zone = require_zone(call.args.tz) if call.args.tz else call.zone
            starts_at = av.parse_moment(text.replace(" ", "T", 1), zone)
        except av.SlotError as exc:
            raise UserError(exc.message) from None
        except ValueError as exc:
            raise UserError(str(exc)) from None
    if starts_at <= call.now:
        raise UserError(f"{format_local(starts_at, call.zone)} is in the past; choose a later "
                        "time.")
    if starts_at - call.now > av.MAX_AHEAD:
        raise UserError(f"{format_local(starts_at, call.zone)} is more than two years ahead; "
                        "check the year.")
    if starts_at == meeting.starts_at:
        raise Conflict(f"Meeting #{meeting.number} is already at that time.")
    before = meeting.starts_at
    meeting.starts_at, meeting.sequence, meeting.updated_at = starts_at, meeting.sequence + 1, \
        call.now
    meeting.slot_number = slot_number
    await call.audit("meeting.moved", meeting=meeting.id, before=before.isoformat(),
                     after=starts_at.isoformat(), sequence=meeting.sequence)
    await call.emit(MeetingMoved(lab_id=lab.id, meeting_id=meeting.id, starts_at=starts_at,
                                 title=meeting.title, duration_minutes=meeting.duration_minutes))
    card = await meeting_card(call.uow, lab, meeting, f"Meeting moved: {meeting.title}",
                              f"It was planned for {at(before)}.")
    call.ctx.announce(call.uow, lab.id, card,
                   (invite_file(meeting, lab.name, "REQUEST", call.now),))
    return Reply.say(f"Moved meeting #{meeting.number} to "
                     f"{format_local(starts_at, call.zone)}; the lab has the updated invite.")


# --- /lab meeting cancel -------------------------------------------------------------------


class MeetingRefArgs(Args):
    meeting: Annotated[str, Pos("meeting"), Complete("meeting")]


@router.command("meeting cancel", args=MeetingRefArgs, access="facilitator", topic="meeting",
                summary="Cancel a meeting; everyone gets the cancellation for their calendar.")
async def meeting_cancel(call: Call[MeetingRefArgs]) -> Reply:
    lab = call.the_lab
    meeting = await find_meeting(call, call.args.meeting)
    _refuse_if_over(meeting, call.now)
    meeting.status, meeting.sequence, meeting.updated_at = "cancelled", meeting.sequence + 1, \
        call.now
    await call.audit("meeting.cancelled", meeting=meeting.id, sequence=meeting.sequence)
    await call.emit(MeetingCancelled(lab_id=lab.id, meeting_id=meeting.id))
    card = await meeting_card(call.uow, lab, meeting, f"Meeting cancelled: {meeting.title}")
    call.ctx.announce(call.uow, lab.id, card,
                   (invite_file(meeting, lab.name, "CANCEL", call.now),))
    return Reply.say(f"Cancelled meeting #{meeting.number}; the lab has the cancellation.")


# --- /lab meetings ----------------------------------------------------------------------------


def meeting_line(meeting: Meeting, zone: str, now: datetime, lab_name: str | None = None
                 ) -> str:
    where = f" ({lab_name})" if lab_name else ""
    return (f"• `#{meeting.number}` *{meeting.title}*{where} — "
            f"{format_local(meeting.starts_at, zone)}, {meeting.duration_minutes} min · "
            f"{at(meeting.starts_at, 'R')}")


async def meetings_card(call: Call[Any], page: int) -> Card:
    lab = call.the_lab
    upcoming = await call.uow.meetings.upcoming([lab.id], call.now, limit=500)
    blocks: list[Block] = [Header(f"Upcoming meetings of {lab.name}")]
    if upcoming:
        lines = [meeting_line(m, call.zone, call.now) for m in upcoming]
        blocks += paginate(lines, page=page, per_page=MEETINGS_PER_PAGE, route="meeting.list",
                           ref=lab.id, noun="meetings")
    else:
        blocks.append(Text("No meetings are scheduled. A facilitator schedules one from a poll "
                           "with `/lab poll pick <poll> <slot>`."))
    blocks.append(Context(f"{times_in(call.zone, call.person.timezone is not None)}."))
    return Card(tuple(blocks), fallback=f"Upcoming meetings of {lab.name}")


@router.command("meetings", topic="meeting",
                summary="Upcoming meetings, in your own time zone.")
async def meetings(call: Call[Any]) -> Reply:
    return Reply(card=await meetings_card(call, 1))


@router.action("meeting.list", scope="lab")
async def meetings_page(call: Call[Any]) -> Reply:
    return Reply(card=await meetings_card(call, call.page), replace=True)


# --- autocomplete and home ----------------------------------------------------------------


@router.completer("meeting")
async def complete_meeting(call: Call[Any], typed: str) -> list[tuple[str, str]]:
    if call.lab is None:
        return []
    meetings = reversed(await call.uow.meetings.of_lab(call.lab.id))  # the newest first
    return numbered_choices(
        [(m.number, m.title, f"#{m.number} {m.title} ({m.status}, "
                             f"{m.starts_at:%d %b %Y %H:%M} UTC)") for m in meetings], typed)


@router.home_section(40)
async def next_meetings(call: Call[Any]) -> list[Block]:
    memberships = await call.uow.members.labs_of(call.person.id)
    upcoming = await call.uow.meetings.upcoming([m.lab_id for m in memberships], call.now,
                                                limit=5)
    if not upcoming:
        return []
    names = {}
    for m in memberships:
        lab = await call.uow.labs.get(m.lab_id)
        names[m.lab_id] = lab.name if lab else "a lab"
    lines = [meeting_line(m, call.zone, call.now, names.get(m.lab_id)) for m in upcoming]
    return [Text(shorten("*Your next meetings*\n" + "\n".join(lines), 3000))]


# --- what reminders need of a meeting ---------------------------------------------------------


async def _upcoming(uow: UnitOfWork, lab_id: int, person_id: int, now: datetime
                    ) -> list[Upcoming]:
    """The lab's meetings still to start: a member who joins is reminded of them too."""
    return [Upcoming(m.id, m.title, at=m.starts_at)
            for m in await uow.meetings.upcoming([lab_id], now) if m.starts_at > now]


async def _invite(uow: UnitOfWork, meeting_id: int, person_id: int, now: datetime
                  ) -> tuple[File, ...]:
    meeting = await uow.meetings.get(meeting_id)
    lab = await uow.labs.get(meeting.lab_id) if meeting is not None else None
    if meeting is None or lab is None:
        return ()
    return (invite_file(meeting, lab.name, "REQUEST", now),)


@router.subject("meeting", attachments=_invite, upcoming=_upcoming)
async def reminder_info(uow: UnitOfWork, meeting_id: int) -> SubjectInfo | None:
    """How a reminder names the meeting and when it starts; its invite goes with it."""
    meeting = await uow.meetings.get(meeting_id)
    if meeting is None or meeting.status == "cancelled":
        return None
    return SubjectInfo(
        meeting_name(meeting, start=True), moment=meeting.starts_at,
        lines=(f"{meeting.duration_minutes} minutes. The calendar invite (.ics) is attached; "
               "`/lab meetings` lists the lab's meetings.",),
    )
