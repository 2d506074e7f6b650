"""Meetings: scheduled from a poll's slot, moved, cancelled, listed; each change announced
in every channel of the lab with local times and a calendar invite (.ics).

The package's `router` gathers its modules' routes; the names below are what other code
(the polls' pick, tests) uses of it. Meetings know nothing of polls' code: a poll calls
`schedule_meeting`."""

from __future__ import annotations

from bot.domain.agenda import agenda_text
from bot.domain.meetings import MeetingStatus
from bot.features.meetings import agenda, commands, completers, home, subjects
from bot.features.meetings.invites import agenda_lines, invite_file, meeting_name
from bot.features.meetings.service import find_meeting, schedule_meeting
from bot.i18n import _
from bot.router import Router
from bot.subjects import SubjectInfo
from storage.uow import UnitOfWork

__all__ = ["find_meeting", "invite_file", "meeting_name", "router", "schedule_meeting"]

router = Router()
for part in (commands, completers, home, agenda):
    router.include(part.router)


# The subject's description is defined here, in the feature's own module: a reminder's kind
# names the feature that describes it.
@router.subject("meeting", attachments=subjects.invite, upcoming=subjects.upcoming,
                card=subjects.live_card)
async def reminder_info(uow: UnitOfWork, meeting_id: int) -> SubjectInfo | None:
    """How a reminder names the meeting and when it starts; its invite goes with it."""
    meeting = await uow.meetings.get(meeting_id)
    if meeting is None or meeting.status == MeetingStatus.CANCELLED:
        return None
    lines = [_("{duration_minutes} minutes. The calendar invite (.ics) is attached; "
               "`/lab meetings` lists the lab's meetings.").format(
        duration_minutes=meeting.duration_minutes)]
    if meeting.place:
        lines.append(_("Where: {place}").format(place=meeting.place))
    agenda = agenda_text(agenda_lines(meeting))
    if agenda:
        lines.append(agenda)
    return SubjectInfo(meeting_name(meeting, start=True), moment=meeting.starts_at,
                       lines=tuple(lines))
