"""Listeners: a change to a poll, vote or meeting marks its posted cards for a redraw, in
the same transaction, and wakes the redrawer once it has committed."""

from __future__ import annotations

from bot.events import (
    BallotCast,
    Happening,
    MeetingCancelled,
    MeetingMoved,
    MeetingScheduled,
    PollAnswered,
    PollClosed,
    PollDeleted,
    VoteClosed,
    VoteDeleted,
    VoteResultWithdrawn,
)
from bot.features.live.redraw import EDIT_GAP, arm


async def _dirty(h: Happening, kind: str, subject_id: int) -> None:
    due = await h.uow.cards.mark_dirty(kind, subject_id, h.now, EDIT_GAP)
    if due is not None:
        ctx = h.ctx
        h.uow.after_commit(lambda: arm(ctx, due))


async def poll_changed(event: PollAnswered | PollClosed | PollDeleted, h: Happening) -> None:
    await _dirty(h, "poll", event.poll_id)


async def vote_changed(event: BallotCast | VoteClosed | VoteDeleted | VoteResultWithdrawn,
                       h: Happening) -> None:
    await _dirty(h, "vote", event.vote_id)


async def meeting_changed(event: MeetingMoved | MeetingCancelled | MeetingScheduled,
                          h: Happening) -> None:
    await _dirty(h, "meeting", event.meeting_id)
