"""The meeting's cards: the announcement with everyone's local times, and the list of
upcoming meetings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.domain import availability as av
from bot.domain import wording
from bot.domain.agenda import agenda_text
from bot.domain.meetings import MeetingStatus
from bot.domain.wording import plural
from bot.domain.zones import format_local
from bot.features.common import paginate, times_in
from bot.features.meetings.invites import agenda_lines
from bot.features.meetings.rules import meeting_concerns
from bot.i18n import _
from bot.messages import Block, Card, Context, Header, Text, at, shorten
from bot.router import Call
from storage.models import Lab, Meeting
from storage.uow import UnitOfWork

MEETINGS_PER_PAGE = 10


async def local_times(uow: UnitOfWork, lab: Lab, meeting: Meeting) -> str:
    """One line per member: the meeting in their own zone, marked if early or late there
    (in words about that member: everyone in the channel reads the card)."""
    length = timedelta(minutes=meeting.duration_minutes)
    lines = []
    for m in await uow.members.active(lab.id):
        zone = m.person.timezone
        if zone is None:
            lines.append(_("{display_name}: zone not set (`/lab tz <zone>`)").format(
                display_name=m.person.display_name))
            continue
        mark = av.comfort_mark(meeting.starts_at, length, zone, reader="them")
        lines.append(f"{m.person.display_name}: {format_local(meeting.starts_at, zone)}"
                     + (f" · _{mark}_" if mark else ""))
    return "\n".join(lines)


async def meeting_card(uow: UnitOfWork, lab: Lab, meeting: Meeting, headline: str,
                       note: str = "") -> Card:
    start = meeting.starts_at
    when = (_("*{title}* of {name}: {when} ({when2}), "
            "{count}.").format(
        title=meeting.title, name=lab.name, when=at(start), when2=at(start, 'R'),
        count=plural(meeting.duration_minutes, 'minute')))
    if meeting.status == MeetingStatus.CANCELLED:
        when = _("*{title}* of {name}, planned for {when}, is cancelled.").format(
            title=meeting.title, name=lab.name, when=at(start))
    blocks: list[Block] = [Header(shorten(headline, 150)), Text(when)]
    if meeting.status != MeetingStatus.CANCELLED and meeting.place:
        blocks.append(Text(shorten(_("*Where:* {place}").format(place=meeting.place), 3000)))
    agenda = agenda_text(agenda_lines(meeting))
    if meeting.status != MeetingStatus.CANCELLED and agenda:
        blocks.append(Text(shorten(agenda, 3000)))
    if meeting.status != MeetingStatus.CANCELLED:
        found = await meeting_concerns(uow, lab, start,
                                       timedelta(minutes=meeting.duration_minutes),
                                       now=start, besides=meeting.id)
        if found:
            blocks.append(Text("⚠ " + shorten(" · ".join(c.mark for c in found), 2900)))
    if note:
        blocks.append(Text(note))
    if meeting.status != MeetingStatus.CANCELLED:
        blocks.append(Text(shorten(_("*Local times*\n") + await local_times(uow, lab, meeting),
                                   3000)))
    action = (_("remove the meeting from") if meeting.status == MeetingStatus.CANCELLED else
              _("add or update the meeting in"))
    number = "" if wording.title_says_number(meeting.number, meeting.title) \
        else _(" (this one is #{number})").format(number=meeting.number)
    blocks.append(Context(
        _("The calendar invite (.ics) is attached: open it to {action} your calendar. "
        "`/lab meetings` lists the lab's meetings{number}.").format(action=action, number=number)
    ))
    return Card(tuple(blocks), fallback=headline)

def meeting_line(meeting: Meeting, zone: str, now: datetime, lab_name: str | None = None
                 ) -> str:
    where = f" ({lab_name})" if lab_name else ""
    return (_("• `#{number}` *{title}*{where} — "
            "{format_local}, {duration_minutes} min · "
            "{when}").format(
        number=meeting.number, title=meeting.title, where=where,
        format_local=format_local(meeting.starts_at, zone),
        duration_minutes=meeting.duration_minutes, when=at(meeting.starts_at, 'R')))


async def meetings_card(call: Call[Any], page: int) -> Card:
    lab = call.the_lab
    upcoming = await call.uow.meetings.upcoming([lab.id], call.now, limit=500)
    blocks: list[Block] = [Header(_("Upcoming meetings of {name}").format(name=lab.name))]
    if upcoming:
        lines = [meeting_line(m, call.zone, call.now) for m in upcoming]
        blocks += paginate(lines, page=page, per_page=MEETINGS_PER_PAGE, route="meeting.list",
                           ref=lab.id, noun="meetings")
    else:
        blocks.append(Text(_("No meetings are scheduled. A facilitator schedules one from a poll "
                           "with `/lab poll pick <poll> <slot>`.")))
    blocks.append(Context(f"{times_in(call.zone, call.person.timezone is not None)}."))
    return Card(tuple(blocks), fallback=_("Upcoming meetings of {name}").format(name=lab.name))
