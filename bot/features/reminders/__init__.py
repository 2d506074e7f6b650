"""Reminders and deadlines: `/lab remind`, `/lab reminders`, and the timers that deliver
meeting, deadline, action-item and custom reminders once, on time, in each member's own time.

The `reminders` table is the source of truth; a timer (`reminder:<id>`) only wakes the bot,
and delivery begins by claiming the row (`pending` -> `sending`) with a conditional update,
so a double fire, a restart or a second process sharing the database never delivers twice.
Each process arms timers for the rows it writes, for every row at start-up, and, every
`sweep_every`, for rows due soon that another process wrote (`sweep`): if that process
stops, its reminders still go out.
Other features plug in through the subject kinds they register on their routers
(`@router.subject`, bot/subjects.py: who has not answered a poll, a meeting's .ics, closing
a vote at its deadline), found here on `ctx.router.subjects`, and reach this module only
through domain events.

Where things live: `timers` (arm, disarm, rebuild, sweep, and `deliver`, what a timer runs),
`delivery` (one reminder: load, decide, claim, send, record), `deadlines` (closing polls and
votes at their deadline), `cards`, `reports` (to facilitators), `commands`, `subscribers`
(planning from domain events), `home`. The rules that decide are in bot/domain/reminders/.
"""

from bot.features.reminders import commands, home, subscribers
from bot.features.reminders.commands import remind
from bot.features.reminders.delivery import Outcome
from bot.features.reminders.now import REMIND_EVERY, Reminded, TooSoon, remind_now, reminded_text
from bot.features.reminders.reports import summarise_missed
from bot.features.reminders.routes import router
from bot.features.reminders.timers import (
    LEASE,
    SWEEP_JOB,
    Swept,
    arm_after_commit,
    deliver,
    disarm_after_commit,
    rebuild,
    start_sweep,
    sweep,
)

__all__ = [
    "LEASE", "REMIND_EVERY", "SWEEP_JOB", "Outcome", "Reminded", "Swept", "TooSoon",
    "arm_after_commit", "commands", "deliver",
    "disarm_after_commit", "home", "rebuild", "remind", "remind_now", "reminded_text",
    "router", "start_sweep",
    "subscribers", "summarise_missed", "sweep",
]
