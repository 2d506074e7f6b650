"""Reminder timers: arm and disarm them, rebuild them at start-up, and sweep for rows other
processes wrote; a timer only wakes the bot, the row decides.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.context import Context
from bot.domain.reminders import (
    ReminderStatus,
    Weekly,
    format_offset,
)
from bot.domain.when import parse_duration
from bot.features.reminders.delivery import Outcome, _close_occurrence
from bot.features.reminders.delivery import deliver as deliver_one
from bot.features.reminders.reports import _schedule_failure_report, _schedule_missed_summary
from bot.i18n import _
from bot.ports import JobFunc
from storage.models import Reminder
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


LEASE = timedelta(minutes=10)  # a delivery claimed longer ago than this was cut off


def job_id(reminder_id: int) -> str:
    return f"reminder:{reminder_id}"


def later_job_id(reminder_id: int) -> str:
    """A repeating reminder's one-off timer (quiet hours, a retry) beside its cron timer."""
    return f"reminder:{reminder_id}:later"


async def deliver(ctx: Context, reminder_id: int) -> Outcome:
    """What a timer runs: deliver the reminder (delivery.py), arming here the timers that
    follow. Safe to run any number of times."""
    return await deliver_one(ctx, reminder_id, _Timers(ctx))


@dataclass(frozen=True, slots=True)
class _Timers:
    """This process's timers, as `delivery.Alarm`."""

    ctx: Context

    def arm(self, reminder_id: int, next_at: datetime, due_at: datetime, repeat: str | None,
            repeat_zone: str | None) -> None:
        arm(self.ctx, reminder_id, next_at, due_at, repeat, repeat_zone)

    def disarm(self, reminder_id: int) -> None:
        disarm(self.ctx, reminder_id)

    def later(self, r: Reminder, at_: datetime) -> None:
        arm_later(self.ctx, r, at_)


def _firer(ctx: Context, reminder_id: int) -> JobFunc:
    async def fire() -> None:
        await deliver(ctx, reminder_id)

    return fire


def arm(ctx: Context, reminder_id: int, next_at: datetime, due_at: datetime,
        repeat: str | None, repeat_zone: str | None) -> None:
    """Set the in-memory timer(s) for one pending reminder (after its row is committed)."""
    fire = _firer(ctx, reminder_id)
    if repeat is None or repeat_zone is None:
        ctx.jobs.schedule(job_id(reminder_id), next_at, fire)
        return
    rule = Weekly.from_spec(repeat, repeat_zone)
    # The cron timer's next run is pinned to the occurrence the row holds (see
    # Scheduler.repeat); after each occurrence `deliver` arms it again with the next.
    if next_at == due_at:
        ctx.jobs.repeat(job_id(reminder_id), rule, due_at, fire)
    else:  # this occurrence waits (quiet hours, a retry); the cron goes on from the next one
        ctx.jobs.repeat(job_id(reminder_id), rule, rule.next_after(due_at), fire)
        ctx.jobs.schedule(later_job_id(reminder_id), next_at, fire)


def arm_later(ctx: Context, r: Reminder, at_: datetime) -> None:
    """A one-off timer for `r` at `at_` (quiet hours, a retry, a look once the grace passes);
    a repeating reminder's goes beside its cron timer."""
    fire = _firer(ctx, r.id)
    ctx.jobs.schedule(later_job_id(r.id) if r.repeat else job_id(r.id), at_, fire)


def disarm(ctx: Context, reminder_id: int) -> None:
    ctx.jobs.cancel(job_id(reminder_id))
    ctx.jobs.cancel(later_job_id(reminder_id))


def arm_after_commit(ctx: Context, uow: UnitOfWork, reminders: Sequence[Reminder]) -> None:
    rows = [(r.id, r.next_at, r.due_at, r.repeat, r.repeat_zone) for r in reminders]

    def go() -> None:
        for row in rows:
            arm(ctx, *row)

    if rows:
        uow.after_commit(go)


def disarm_after_commit(ctx: Context, uow: UnitOfWork, ids: Sequence[int]) -> None:
    def go() -> None:
        for reminder_id in ids:
            disarm(ctx, reminder_id)

    if ids:
        uow.after_commit(go)


async def _settle(ctx: Context, now: datetime) -> tuple[set[int], list[int]]:
    """Settle what a stopped process left behind, by the rules start-up has always used:
    deliveries cut off mid-way (claimed longer than LEASE ago) are marked failed, never
    resent, since the message may have gone out; reminders due longer ago than
    `misfire_grace` are marked missed. Every change is a conditional update on the row as
    it was read, so processes settling at once settle each row once. Returns the labs with
    newly missed reminders and the ids of newly failed ones (to tell facilitators)."""
    grace = parse_duration(ctx.settings.reminders.misfire_grace)
    missed_labs: set[int] = set()
    failed: list[int] = []
    async with ctx.uow() as uow:
        for r in await uow.reminders.interrupted(now - LEASE):
            error = _("the bot stopped during delivery; not resent, so nobody gets it twice")
            if r.repeat:
                record = await _close_occurrence(uow, r, ReminderStatus.FAILED, now,
                                                 error=error, exact=True)
            else:
                record = r.id if await uow.reminders.fail(r.id, error, seen=r) else None
            if record is not None:
                failed.append(record)
        note = _("due more than {format_offset} before the bot came back").format(
            format_offset=format_offset(grace))
        for _x, lab_id in await uow.reminders.miss_overdue(now - grace, note):
            missed_labs.add(lab_id)
        for r in await uow.reminders.overdue(now - grace):  # repeating ones are left
            if r.repeat and await _close_occurrence(uow, r, ReminderStatus.MISSED, now,
                                                    note=note, exact=True) is not None:
                missed_labs.add(r.lab_id)
        await uow.commit()
    return missed_labs, failed


def _tell_settled(ctx: Context, now: datetime, missed_labs: set[int], failed: list[int]
                  ) -> None:
    for lab_id in sorted(missed_labs):
        _schedule_missed_summary(ctx, lab_id, now)
    for reminder_id in failed:
        _schedule_failure_report(ctx, reminder_id, now)


async def rebuild(ctx: Context) -> None:
    """Start-up: settle what the downtime left behind, then arm a timer for every pending row.

    Deliveries cut off mid-way are marked failed, never resent (the message may have gone
    out). Reminders due longer ago than `misfire_grace` are marked missed and summarised once
    to each lab's facilitators; the rest fire at once and are marked late.
    """
    now = ctx.clock.now()
    missed_labs, failed = await _settle(ctx, now)
    async with ctx.uow() as uow:
        rows = await uow.reminders.timers()
    for row in rows:
        arm(ctx, *row)
    _tell_settled(ctx, now, missed_labs, failed)
    if rows or missed_labs or failed:
        log.info("reminders: %d timers armed, %d labs with missed reminders, %d interrupted",
                 len(rows), len(missed_labs), len(failed))


SWEEP_JOB = "reminders:sweep"
SWEEP_BATCH = 500


def _armed_here(ctx: Context, reminder_id: int, next_at: datetime, due_at: datetime,
                repeat: str | None) -> bool:
    """Whether this process has a timer that will wake it for this row's next moment.

    Any timer will do, early or late: one that fires early finds the row not due and arms
    itself again, and rows only ever move later (quiet hours, retries, the next occurrence),
    so a timer set here for an earlier moment of the row is never after it. The exception is
    a repeating reminder held back (quiet hours, a retry): its cron timer waits for the next
    occurrence, so it needs its one-off timer beside it.
    """
    if repeat is not None and next_at != due_at:
        return ctx.jobs.next_run(later_job_id(reminder_id)) is not None
    return ctx.jobs.next_run(job_id(reminder_id)) is not None


@dataclass(frozen=True, slots=True)
class Swept:
    """What one sweep did."""

    looked_at: int  # pending rows due within the horizon
    armed: int  # of those, how many this process had no timer for
    missed_labs: int
    failed: int


async def sweep(ctx: Context) -> Swept:
    """Every `sweep_every`, in each process: arm a timer for each pending reminder due within
    `sweep_horizon` that this process has none for, and settle what a stopped process left,
    by the start-up rules.

    A process arms timers for the rows it writes and for all rows at start-up; rows another
    process wrote (or moved: quiet hours, a retry) since reach it only here. So if that
    process stops, they are still sent: on time when they fall due after the next sweep (the
    horizon is at least the interval), at most one interval late otherwise (a retry planned
    30 s ahead). The claim on the row still decides who delivers: two processes sweeping the
    same row both fire, and one sends.
    """
    now = ctx.clock.now()
    horizon = parse_duration(ctx.settings.reminders.sweep_horizon)
    missed_labs, failed = await _settle(ctx, now)
    async with ctx.uow() as uow:
        rows = await uow.reminders.timers(until=now + horizon)
    armed = 0
    for n, (reminder_id, next_at, due_at, repeat, repeat_zone) in enumerate(rows, start=1):
        if not _armed_here(ctx, reminder_id, next_at, due_at, repeat):
            arm(ctx, reminder_id, next_at, due_at, repeat, repeat_zone)
            armed += 1
        if n % SWEEP_BATCH == 0:
            # The sweep runs beside the adapters, which must answer within 3 seconds: a
            # burst of thousands of rows to arm lets them in between batches.
            await asyncio.sleep(0)
    _tell_settled(ctx, now, missed_labs, failed)
    if armed or missed_labs or failed:
        log.info("reminders sweep: %d timers armed (of %d due within %s), %d labs with missed "
                 "reminders, %d interrupted", armed, len(rows), format_offset(horizon),
                 len(missed_labs), len(failed))
    return Swept(len(rows), armed, len(missed_labs), len(failed))


async def start_sweep(ctx: Context) -> None:
    """Start-up: run `sweep` every `sweep_every` ("0s" leaves it off), the first time one
    interval from now (start-up has just armed everything)."""
    every = parse_duration(ctx.settings.reminders.sweep_every)
    if not every:
        return

    async def run() -> None:
        await sweep(ctx)

    ctx.jobs.every(SWEEP_JOB, every, ctx.clock.now() + every, run)
