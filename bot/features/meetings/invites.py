"""How a meeting is named in a sentence, and its calendar invite (.ics) as a file to attach."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain import wording
from bot.domain.agenda import AgendaLine, agenda_text, check_place
from bot.domain.calendar import Method, Party, invite
from bot.i18n import _
from bot.messages import File
from storage.models import Meeting


def meeting_name(meeting: Meeting, *, start: bool = False) -> str:
    """How a sentence names `meeting` (see `bot.domain.wording.meeting_name`)."""
    return wording.meeting_name(meeting.number, meeting.title, start=start)


def agenda_lines(meeting: Meeting) -> list[AgendaLine]:
    """The meeting's agenda as the pure rules read it, in its order."""
    return [AgendaLine(i.title, i.owner.display_name if i.owner else None, i.minutes)
            for i in meeting.agenda]


def invite_file(meeting: Meeting, lab_name: str, method: Method, now: datetime) -> File:
    """The meeting's .ics as a File to attach; `method` REQUEST (new or changed) or CANCEL.

    The SEQUENCE is the meeting's own counter: callers bump it before re-sending a change.
    The lab organizes, at the address the meeting was scheduled with, and its members, as a
    group, attend: the same in every invite about the meeting, as calendar apps expect.
    """
    description = (
        _("{lab_name}: {meeting_name}, cancelled with actionlab. The time in this file is "
          "UTC; your calendar shows it in your own zone.") if method == "CANCEL" else
        _("{lab_name}: {meeting_name}, scheduled with actionlab. The time in this file is "
          "UTC; your calendar shows it in your own zone.")
    ).format(lab_name=lab_name, meeting_name=meeting_name(meeting))
    agenda = agenda_text(agenda_lines(meeting))
    if agenda:
        description += f"\n\n{agenda}"
    location, url = (None, None)
    if meeting.place:
        location, url = meeting.place, check_place(meeting.place)[1]
    data = invite(
        uid=meeting.uid, title=f"{lab_name}: {meeting.title}", description=description,
        starts_at=meeting.starts_at, duration=timedelta(minutes=meeting.duration_minutes),
        sequence=meeting.sequence, method=method, stamp=now,
        organizer=Party(meeting.organizer, lab_name),
        attendees=(Party(meeting.organizer, lab_name, group=True),),
        location=location, url=url,
    )
    suffix = "-cancel" if method == "CANCEL" else ""
    return File(f"meeting-{meeting.number}{suffix}.ics", data, "text/calendar",
                alt=_("Calendar invite for {title}").format(title=meeting.title))
