"""What a reminder of a meeting needs besides its description: the invite to attach, and the
meetings still to start that a member who joins is reminded of too."""

from __future__ import annotations

from datetime import datetime

from bot.domain.meetings import MeetingStatus
from bot.features.meetings.cards import meeting_card
from bot.features.meetings.invites import invite_file
from bot.i18n import _
from bot.messages import Card, File
from bot.subjects import Upcoming
from storage.uow import UnitOfWork


async def upcoming(uow: UnitOfWork, lab_id: int, person_id: int, now: datetime
                    ) -> list[Upcoming]:
    """The lab's meetings still to start: a member who joins is reminded of them too."""
    return [Upcoming(m.id, m.title, at=m.starts_at)
            for m in await uow.meetings.upcoming([lab_id], now) if m.starts_at > now]


async def invite(uow: UnitOfWork, meeting_id: int, person_id: int, now: datetime
                  ) -> tuple[File, ...]:
    meeting = await uow.meetings.get(meeting_id)
    lab = await uow.labs.get(meeting.lab_id) if meeting is not None else None
    if meeting is None or lab is None:
        return ()
    return (invite_file(meeting, lab.name, "REQUEST", now),)


async def live_card(uow: UnitOfWork, meeting_id: int, now: datetime) -> Card | None:
    """The meeting's announcement as it stands now: moved, cancelled or restored, the card
    posted when it was scheduled is redrawn in place (bot/features/live/)."""
    meeting = await uow.meetings.get(meeting_id)
    lab = await uow.labs.get(meeting.lab_id) if meeting is not None else None
    if meeting is None or lab is None:
        return None
    headline = (_("Meeting cancelled: {title}").format(title=meeting.title)
                if meeting.status == MeetingStatus.CANCELLED
                else _("Meeting scheduled: {title}").format(title=meeting.title))
    return await meeting_card(uow, lab, meeting, headline)
