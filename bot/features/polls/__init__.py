"""Availability polls: `/lab poll new|answer|results|pairs|close|pick|delete`, the answer
card paginated by day, results with a heat map, and what a reminder needs of a poll.

The package's `router` gathers its modules' routes; the names below are what other code
(the reminders' timers, the demo, the benchmarks, tests) uses of it."""

from __future__ import annotations

from datetime import datetime

from bot import action_ids
from bot.domain.polls import PollStatus
from bot.features.common import numbered_choices, times_in
from bot.features.polls import actions, closing, commands, completers, home, nudge, removal
from bot.features.polls.cards import (
    answer_card,
    deleted_poll_card,
    live_poll_card,
    results_card,
)
from bot.features.polls.charts import heat_map
from bot.features.polls.loaded import Loaded, load
from bot.features.polls.service import close_at_deadline, close_poll, find_poll, unanswered
from bot.i18n import _
from bot.messages import Button, Card
from bot.router import Router
from bot.subjects import SubjectInfo
from storage.uow import UnitOfWork

__all__ = [
    "Loaded",
    "answer_card",
    "close_poll",
    "find_poll",
    "heat_map",
    "load",
    "numbered_choices",
    "results_card",
    "router",
    "times_in",
    "unanswered",
]

router = Router()
for part in (commands, closing, removal, actions, completers, home, nudge):
    router.include(part.router)


# The subject's description is defined here, in the feature's own module: a reminder's kind
# names the feature that describes it.
async def live_card(uow: UnitOfWork, poll_id: int, now: datetime) -> Card | None:
    """The poll's public card as it stands now (bot/features/live/ redraws it in place)."""
    poll = await uow.polls.get(poll_id)
    if poll is None:
        return None
    if poll.status == PollStatus.DELETED:
        return deleted_poll_card(poll.number, poll.title)
    return live_poll_card(await load(uow, poll), now)


@router.subject("poll", pending=unanswered, close=close_at_deadline, card=live_card)
async def reminder_info(uow: UnitOfWork, poll_id: int) -> SubjectInfo | None:
    """How a reminder names the poll, with the Answer button while it is open; None once it
    is deleted, which cancels its reminders."""
    poll = await uow.polls.get(poll_id)
    if poll is None or poll.status == PollStatus.DELETED:
        return None
    button = None
    if poll.status == PollStatus.OPEN:
        button = Button(_("Answer the poll"), action_ids.encode("poll.open", poll.id),
                        style="primary")
    return SubjectInfo(_("Poll #{number}: {title}").format(
        number=poll.number, title=poll.title), button=button,
                       moment=poll.closes_at)
