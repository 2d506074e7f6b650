"""What reminders need from polls, votes, meetings and minutes, plugged into
`reminders.subjects`: a poll's or vote's title and who has not answered it, closing it at its
deadline; a meeting's title, start and .ics; whether an action item is still open; and, for
a member who joins, the lab's upcoming meetings and the open action items they own.

Importing this module (the composition root does, through FEATURES) registers the kinds; it
has no commands of its own.
"""

from __future__ import annotations

from datetime import datetime

from bot import action_ids
from bot.context import Context
from bot.domain.minutes import ActionStatus
from bot.features import meetings, polls, votes
from bot.features.reminders import SubjectInfo, SubjectKind, Upcoming, subjects
from bot.messages import Button, File
from bot.router import Router
from storage.uow import UnitOfWork

router = Router()


# --- polls ------------------------------------------------------------------------------------


async def poll_info(uow: UnitOfWork, poll_id: int) -> SubjectInfo | None:
    poll = await uow.polls.get(poll_id)
    if poll is None or poll.status == "deleted":
        return None
    button = None
    if poll.status == "open":
        button = Button("Answer the poll", action_ids.encode("poll.open", poll.id),
                        style="primary")
    return SubjectInfo(f"Poll #{poll.number}: {poll.title}", button=button,
                       moment=poll.closes_at)


async def poll_pending(uow: UnitOfWork, poll_id: int) -> list[int]:
    poll = await uow.polls.get(poll_id)
    if poll is None or poll.status != "open":
        return []
    return await polls.unanswered(uow, poll_id)


async def poll_close(ctx: Context, uow: UnitOfWork, poll_id: int, now: datetime) -> None:
    # Idempotent on the polls side: a poll a facilitator already closed stays as it is.
    await polls.close_poll(ctx, uow, poll_id, now)


# --- votes ------------------------------------------------------------------------------------


async def vote_info(uow: UnitOfWork, vote_id: int) -> SubjectInfo | None:
    vote = await uow.votes.get(vote_id)
    if vote is None:
        return None
    button = None
    if vote.status == "open":
        button = Button("Rank the options", action_ids.encode("vote.menu", vote.id),
                        style="primary")
    return SubjectInfo(f"Vote #{vote.number}: {vote.question}", button=button,
                       moment=vote.closes_at)


async def vote_close(ctx: Context, uow: UnitOfWork, vote_id: int, now: datetime) -> None:
    # Claims the open vote itself: a vote a facilitator already closed stays as it is.
    await votes.close_vote(ctx, uow, vote_id, now)


# --- meetings ---------------------------------------------------------------------------------


async def meeting_info(uow: UnitOfWork, meeting_id: int) -> SubjectInfo | None:
    meeting = await uow.meetings.get(meeting_id)
    if meeting is None or meeting.status == "cancelled":
        return None
    return SubjectInfo(
        meetings.meeting_name(meeting, start=True), moment=meeting.starts_at,
        lines=(f"{meeting.duration_minutes} minutes. The calendar invite (.ics) is attached; "
               "`/lab meetings` lists the lab's meetings.",),
    )


async def upcoming_meetings(uow: UnitOfWork, lab_id: int, person_id: int, now: datetime
                            ) -> list[Upcoming]:
    return [Upcoming(m.id, m.title, at=m.starts_at)
            for m in await uow.meetings.upcoming([lab_id], now) if m.starts_at > now]


async def meeting_invite(uow: UnitOfWork, meeting_id: int, person_id: int, now: datetime
                         ) -> tuple[File, ...]:
    meeting = await uow.meetings.get(meeting_id)
    lab = await uow.labs.get(meeting.lab_id) if meeting is not None else None
    if meeting is None or lab is None:
        return ()
    return (meetings.invite_file(meeting, lab.name, "REQUEST", now),)


# --- action items -----------------------------------------------------------------------------


async def action_item_info(uow: UnitOfWork, item_id: int) -> SubjectInfo | None:
    item = await uow.action_items.get(item_id)
    if item is None or item.status is not ActionStatus.OPEN:
        return None  # done or dropped: its reminders are cancelled instead of sent
    return SubjectInfo(item.entry.text)


async def own_action_items(uow: UnitOfWork, lab_id: int, person_id: int, now: datetime
                           ) -> list[Upcoming]:
    """A member coming back still owns the open items they had: remind them again."""
    return [Upcoming(item.id, item.entry.text, due=item.due)
            for item in await uow.action_items.open_for(person_id)
            if item.lab_id == lab_id and item.due is not None]


POLL = subjects.register(SubjectKind("poll", poll_info, poll_pending, poll_close))
VOTE = subjects.register(SubjectKind("vote", vote_info, votes.not_voted, vote_close))
MEETING = subjects.register(SubjectKind("meeting", meeting_info, attachments=meeting_invite,
                                        upcoming=upcoming_meetings))
ACTION_ITEM = subjects.register(SubjectKind("action_item", action_item_info,
                                            upcoming=own_action_items))
