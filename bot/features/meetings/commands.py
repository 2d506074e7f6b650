"""The meeting commands: `/lab meeting move|cancel` and `/lab meetings` with its pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from bot import action_ids
from bot.arguments import Args, Complete, Kw, Pos
from bot.domain import availability as av
from bot.domain.meetings import Concern, MeetingStatus, explain, why_not_restorable
from bot.domain.zones import format_local, require_zone
from bot.errors import Conflict, NotFound, UserError
from bot.events import MeetingCancelled, MeetingMoved, MeetingScheduled
from bot.features.common import confirm_card
from bot.features.meetings.cards import meeting_card, meetings_card
from bot.features.meetings.invites import invite_file, meeting_name
from bot.features.meetings.rules import lab_hours, meeting_concerns
from bot.features.meetings.service import find_meeting, refuse_if_over
from bot.i18n import N_, _
from bot.messages import Button, Buttons, Card, Context, Reply, Text, at
from bot.router import Call, Router
from storage.models import Meeting

router = Router()


# --- /lab meeting move ------------------------------------------------------------------------


class MoveArgs(Args):
    meeting: Annotated[str, Pos("meeting"), Complete("meeting")]
    when: Annotated[str, Pos("slot or YYYY-MM-DD HH:MM", greedy=True)]
    tz: Annotated[str | None, Kw("zone", words=1), Complete("zone")] = None


@router.command(
    "meeting move", args=MoveArgs, access="facilitator", topic="meeting",
    summary=N_("Move a meeting to another slot of its poll or to a time (in your zone, or `tz`)."),
    examples=("/lab meeting move 1 15", "/lab meeting move 1 2027-01-20 14:00 tz Europe/London"),
)
async def meeting_move(call: Call[MoveArgs]) -> Reply:
    lab = call.the_lab
    meeting = await find_meeting(call, call.args.meeting)
    refuse_if_over(meeting, call.now)
    text = call.args.when.strip().removeprefix("#")
    slot_number = None
    if text.isdigit():
        if meeting.poll_id is None:
            raise UserError(_("Meeting #{number} did not come from a poll, so give a "
                            "date and time, e.g. `2027-01-20 14:00`.").format(
                number=meeting.number))
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
        raise UserError(_("{format_local} is in the past; choose a later "
                        "time.").format(format_local=format_local(starts_at, call.zone)))
    if starts_at - call.now > av.MAX_AHEAD:
        raise UserError(_("{format_local} is more than two years ahead; "
                        "check the year.").format(format_local=format_local(starts_at, call.zone)))
    if starts_at == meeting.starts_at:
        raise Conflict(_("Meeting #{number} is already at that time.").format(
            number=meeting.number))
    length = timedelta(minutes=meeting.duration_minutes)
    found = await meeting_concerns(call.uow, lab, starts_at, length, now=call.now,
                                   besides=meeting.id)
    if found:
        # The question speaks in the zone the time was typed in (`tz`), else the reader's.
        reader = require_zone(call.args.tz) if call.args.tz else call.zone
        return Reply(card=_ask_to_move(call, meeting, starts_at, slot_number, found, reader))
    return await _move(call, meeting, starts_at, slot_number, ())


def _ask_to_move(call: Call[Any], meeting: Meeting, starts_at: datetime,
                 slot_number: int | None, found: Sequence[Concern], reader: str) -> Card:
    """The question before a move outside the lab's rules: what is outside them, with
    Confirm and Keep (the state rides in the buttons' ids, as the poll's delete does)."""
    lab = call.the_lab
    hours = lab_hours(lab)
    length = timedelta(minutes=meeting.duration_minutes)
    lines = "\n".join(f"• {explain(c, starts_at, length, hours, reader)}" for c in found)
    target = format_local(starts_at, reader)
    arg = (f"{meeting.id}:{int(starts_at.timestamp()) // 60}:{slot_number or 0}:"
           f"{meeting.sequence}")
    return Card((
        Text(_("Move {meeting_name} to {target}? That time is outside the lab's "
             "rules:\n{lines}").format(
            meeting_name=meeting_name(meeting), target=target, lines=lines)),
        Buttons((
            Button(_("Confirm the move"), action_ids.encode("meeting.move", lab.id, arg),
                   style="primary"),
            Button(_("Keep it at {format_local}").format(
                format_local=format_local(meeting.starts_at, reader)),
                   action_ids.encode("meeting.keep", lab.id, meeting.id)),
        )),
        Context(_("You may have a reason: if you confirm, the meeting's card says what is "
                "unusual about its time.")),
    ), fallback=_("Move {meeting_name} outside the lab's rules?").format(
        meeting_name=meeting_name(meeting)))


async def _move(call: Call[Any], meeting: Meeting, starts_at: datetime,
                slot_number: int | None, found: Sequence[Concern]) -> Reply:
    lab = call.the_lab
    before = meeting.starts_at
    meeting.starts_at, meeting.sequence, meeting.updated_at = starts_at, meeting.sequence + 1, \
        call.now
    meeting.slot_number = slot_number
    await call.audit("meeting.moved", meeting=meeting.id, before=before.isoformat(),
                     after=starts_at.isoformat(), sequence=meeting.sequence,
                     **({"confirmed": ", ".join(c.mark for c in found)} if found else {}))
    await call.emit(MeetingMoved(lab_id=lab.id, meeting_id=meeting.id, starts_at=starts_at,
                                 title=meeting.title, duration_minutes=meeting.duration_minutes))
    with call.in_lab_language():  # posted in the channel
        note = _("It was planned for {when}.").format(when=at(before))
        if found:
            note += (_(" {display_name} moved it knowing it is "
                     "{names}.").format(
                display_name=call.person.display_name, names=' and '.join(c.mark for c in found)))
        card = await meeting_card(call.uow, lab, meeting, _("Meeting moved: {title}").format(
            title=meeting.title), note)
        call.ctx.announce(call.uow, lab.id, card,
                       (invite_file(meeting, lab.name, "REQUEST", call.now),))
    return Reply.say(_("Moved meeting #{number} to "
                     "{format_local}; the lab has the updated invite.").format(
        number=meeting.number, format_local=format_local(starts_at, call.zone)))


async def _meeting_of_control(call: Call[Any], meeting_id: str) -> Meeting:
    meeting = await call.uow.meetings.get(int(meeting_id)) if meeting_id.isdigit() else None
    if meeting is None or meeting.lab_id != call.the_lab.id:
        raise NotFound(_("That meeting is no longer there; `/lab meetings` lists the lab's "
                       "meetings."))
    return meeting


@router.action("meeting.move", scope="lab", access="facilitator")
async def meeting_move_confirmed(call: Call[Any]) -> Reply:
    """Confirm: the move asked about, if the meeting has not changed since the question."""
    assert call.action is not None
    meeting_id, minute, slot, sequence = (call.action.arg or "").split(":")
    meeting = await _meeting_of_control(call, meeting_id)
    refuse_if_over(meeting, call.now)
    if str(meeting.sequence) != sequence:
        raise Conflict(_("{meeting_name} changed since you were asked, so "
                       "it was not moved; `/lab meeting move` asks again.").format(
            meeting_name=meeting_name(meeting, start=True)))
    starts_at = datetime.fromtimestamp(int(minute) * 60, UTC)
    if starts_at <= call.now:
        raise UserError(_("{format_local} is in the past now; choose a "
                        "later time with `/lab meeting move`.").format(
            format_local=format_local(starts_at, call.zone)))
    found = await meeting_concerns(call.uow, call.the_lab, starts_at,
                                   timedelta(minutes=meeting.duration_minutes), now=call.now,
                                   besides=meeting.id)
    reply = await _move(call, meeting, starts_at, int(slot) or None, found)
    text = reply.text or ""
    return Reply(card=Card((Text(text),), fallback=text), replace=True)


@router.action("meeting.keep", scope="lab", access="facilitator")
async def meeting_move_kept(call: Call[Any]) -> Reply:
    """Keep, on the question about a move or a cancellation: nothing changes."""
    assert call.action is not None
    meeting = await _meeting_of_control(call, call.action.arg or "")
    text = (_("Kept: {meeting_name} stays at "
            "{format_local}; nothing was changed.").format(
        meeting_name=meeting_name(meeting),
        format_local=format_local(meeting.starts_at, call.zone)))
    return Reply(card=Card((Text(text),), fallback=text), replace=True)


# --- /lab meeting cancel -------------------------------------------------------------------


class MeetingRefArgs(Args):
    meeting: Annotated[str, Pos("meeting"), Complete("meeting")]


@router.command("meeting cancel", args=MeetingRefArgs, access="facilitator", topic="meeting",
                summary=N_("Cancel a meeting (after you confirm); everyone gets the cancellation "
                        "for their calendar. `/lab meeting restore` brings it back."))
async def meeting_cancel(call: Call[MeetingRefArgs]) -> Reply:
    lab = call.the_lab
    meeting = await find_meeting(call, call.args.meeting)
    refuse_if_over(meeting, call.now)
    return Reply(card=confirm_card(
        _("Cancel {meeting_name}, {format_local}?").format(
            meeting_name=meeting_name(meeting),
            format_local=format_local(meeting.starts_at, call.zone)),
        _("Everyone in the lab gets the cancellation for their calendar, and its reminders "
        "are called off."),
        confirm=Button(_("Cancel meeting #{number}").format(number=meeting.number),
                       action_ids.encode("meeting.cancel", lab.id, meeting.id)),
        keep_id=action_ids.encode("meeting.keep", lab.id, meeting.id),
        undo=_("Until its time, a facilitator can restore it with "
             "`/lab meeting restore {number}`, which sends the invite again.").format(
            number=meeting.number)))


@router.action("meeting.cancel", scope="lab", access="facilitator")
async def meeting_cancel_confirmed(call: Call[Any]) -> Reply:
    lab = call.the_lab
    assert call.action is not None
    meeting = await _meeting_of_control(call, call.action.arg or "")
    refuse_if_over(meeting, call.now)
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence, meeting.updated_at = meeting.sequence + 1, call.now
    meeting.cancelled_at = call.now
    await call.audit("meeting.cancelled", meeting=meeting.id, sequence=meeting.sequence)
    await call.emit(MeetingCancelled(lab_id=lab.id, meeting_id=meeting.id))
    with call.in_lab_language():  # posted in the channel
        card = await meeting_card(call.uow, lab, meeting, _("Meeting cancelled: {title}").format(
            title=meeting.title),
                                  _("A facilitator can restore it with "
                                  "`/lab meeting restore {number}`.").format(
                                      number=meeting.number))
        call.ctx.announce(call.uow, lab.id, card,
                       (invite_file(meeting, lab.name, "CANCEL", call.now),))
    return Reply(card=Card((Text(
        _("Cancelled meeting #{number}; the lab has the cancellation. Restore it with "
        "`/lab meeting restore {number}`.").format(
            number=meeting.number)),)), replace=True)


@router.command("meeting restore", args=MeetingRefArgs, access="facilitator", topic="meeting",
                summary=N_("Bring back a cancelled meeting before its time; everyone gets the "
                        "invite again."), examples=("/lab meeting restore 2",))
async def meeting_restore(call: Call[MeetingRefArgs]) -> Reply:
    lab = call.the_lab
    meeting = await find_meeting(call, call.args.meeting)
    why = why_not_restorable(meeting.number, meeting.title, meeting.status,
                             meeting.starts_at, call.now)
    if why is not None:
        raise Conflict(why)
    meeting.status, meeting.cancelled_at = MeetingStatus.SCHEDULED, None
    # A higher SEQUENCE than the cancellation's, so calendars take the invite over it.
    meeting.sequence, meeting.updated_at = meeting.sequence + 1, call.now
    await call.audit("meeting.restored", meeting=meeting.id, sequence=meeting.sequence)
    await call.emit(MeetingScheduled(lab_id=lab.id, meeting_id=meeting.id,
                                     starts_at=meeting.starts_at, title=meeting.title,
                                     duration_minutes=meeting.duration_minutes))
    with call.in_lab_language():  # posted in the channel
        card = await meeting_card(call.uow, lab, meeting, _("Meeting restored: {title}").format(
            title=meeting.title),
                                  _("It was cancelled; it is on again."))
        call.ctx.announce(call.uow, lab.id, card,
                       (invite_file(meeting, lab.name, "REQUEST", call.now),))
    return Reply.say(_("Restored {meeting_name} at "
                     "{format_local}; the lab has the invite "
                     "again.").format(
        meeting_name=meeting_name(meeting),
        format_local=format_local(meeting.starts_at, call.zone)))


# `/lab meetings` as typed; on Discord `/lab meeting list` (25 entries under /lab at most).
@router.command("meeting list", topic="meeting", aliases=("meetings",),
                summary=N_("Upcoming meetings, in your own time zone."))
async def meetings(call: Call[Any]) -> Reply:
    return Reply(card=await meetings_card(call, 1))


@router.action("meeting.list", scope="lab")
async def meetings_page(call: Call[Any]) -> Reply:
    return Reply(card=await meetings_card(call, call.page), replace=True)
