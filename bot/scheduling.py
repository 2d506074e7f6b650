"""Timers: the only module that touches APScheduler.

APScheduler holds in-memory timers only, each with a stable id; the database is the
source of truth and the timers are rebuilt from it at start-up (see `Startup`), and topped up
by a periodic job (the reminders' sweep) with what other processes sharing the database wrote
since. A timer only wakes the bot: whatever it runs claims its row first, so a timer that
fires twice, or fires in two processes, does its work once.
`ManualJobs` is the same port driven by hand, for the demo's accelerated clock and tests.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.domain.reminders import Weekly
from bot.ports import JobFunc

if TYPE_CHECKING:
    from bot.clock import SettableClock
    from bot.context import Context

log = logging.getLogger(__name__)

# Start-up work that rebuilds timers from the tables; features append to it.
Startup = Callable[["Context"], Awaitable[None]]


@lru_cache(maxsize=4096)
def cron_trigger(rule: Weekly) -> CronTrigger:
    """The APScheduler trigger for a weekly rule, in the rule's own zone, so that 09:00 stays
    09:00 on the wall clock across daylight-saving changes. A trigger keeps no state of its
    own, so jobs with the same rule share one (building one costs more than the job)."""
    return CronTrigger(
        day_of_week=",".join(rule.day_names), hour=rule.at.hour, minute=rule.at.minute,
        second=0, timezone=ZoneInfo(rule.zone),
    )


async def _run(job_id: str, func: JobFunc) -> None:
    # One coroutine function for every job: APScheduler's asyncio executor awaits coroutine
    # functions, and would run any other callable in a thread without awaiting what it returns.
    try:
        await func()
    except Exception:
        log.exception("timer %s failed", job_id)


class Scheduler:
    """The Jobs port on APScheduler 3's AsyncIOScheduler, in the running event loop."""

    def __init__(self) -> None:
        # APScheduler logs every job it adds and runs at INFO: 100,000 lines when a big
        # table is rebuilt. Keep its warnings unless the operator configured it themselves.
        library = logging.getLogger("apscheduler")
        if library.level == logging.NOTSET:
            library.setLevel(logging.WARNING)
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def schedule(self, job_id: str, run_at: datetime, func: JobFunc) -> None:
        self._scheduler.add_job(
            _run, DateTrigger(run_date=run_at, timezone=UTC), args=(job_id, func), id=job_id,
            replace_existing=True,
            # A timer that fires late still runs: the claim on its row decides what happens.
            misfire_grace_time=None, coalesce=True,
        )

    def repeat(self, job_id: str, rule: Weekly, first: datetime, func: JobFunc) -> None:
        # The first run is given, not computed: APScheduler 3.11's cron arithmetic can skip
        # an occurrence next to a daylight-saving change (New York, Mondays 00:00, the day
        # after the spring change), so the reminders feature pins every next run itself.
        self._scheduler.add_job(
            _run, cron_trigger(rule), args=(job_id, func), id=job_id, replace_existing=True,
            next_run_time=first, misfire_grace_time=None, coalesce=True,
        )

    def every(self, job_id: str, interval: timedelta, first: datetime, func: JobFunc) -> None:
        self._scheduler.add_job(
            _run, IntervalTrigger(seconds=interval.total_seconds(), timezone=UTC),
            args=(job_id, func), id=job_id, replace_existing=True, next_run_time=first,
            # Runs that fell behind (a blocked loop) make one run, and a run still going
            # when the next is due makes that one wait for the following turn.
            coalesce=True, max_instances=1, misfire_grace_time=None,
        )

    def cancel(self, job_id: str) -> None:
        with contextlib.suppress(JobLookupError):
            self._scheduler.remove_job(job_id)

    def pending(self) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs()]

    def next_run(self, job_id: str) -> datetime | None:
        job = self._scheduler.get_job(job_id)
        when = getattr(job, "next_run_time", None) if job is not None else None
        return when.astimezone(UTC) if when is not None else None


class ManualJobs:
    """Timers that fire only when `run_due` or `run_until` is called: for accelerated demos
    and tests. Repeating timers use APScheduler's own cron arithmetic, as the real ones do.

    Periodic jobs (`every`) are kept aside and run only by `run_periodic`, unless
    `periodic=True`: a demo that moves the clock on by days would otherwise run a
    once-a-minute job thousands of times for nothing. Tests of periodic work turn them on,
    and they then fire at their moments among the other timers.
    """

    def __init__(self, *, periodic: bool = False) -> None:
        self.jobs: dict[str, tuple[datetime, JobFunc]] = {}
        self.rules: dict[str, CronTrigger] = {}
        self.intervals: dict[str, timedelta] = {}
        self.periodic = periodic
        self.aside: dict[str, tuple[timedelta, JobFunc]] = {}

    def schedule(self, job_id: str, run_at: datetime, func: JobFunc) -> None:
        self.rules.pop(job_id, None)
        self.intervals.pop(job_id, None)
        self.jobs[job_id] = (run_at, func)

    def repeat(self, job_id: str, rule: Weekly, first: datetime, func: JobFunc) -> None:
        self.intervals.pop(job_id, None)
        self.rules[job_id] = cron_trigger(rule)
        self.jobs[job_id] = (first, func)

    def every(self, job_id: str, interval: timedelta, first: datetime, func: JobFunc) -> None:
        if not self.periodic:
            self.aside[job_id] = (interval, func)
            return
        self.rules.pop(job_id, None)
        self.intervals[job_id] = interval
        self.jobs[job_id] = (first, func)

    async def run_periodic(self, job_id: str) -> None:
        """Run a periodic job kept aside, once, now."""
        await self.aside[job_id][1]()

    def cancel(self, job_id: str) -> None:
        self.jobs.pop(job_id, None)
        self.rules.pop(job_id, None)
        self.intervals.pop(job_id, None)
        self.aside.pop(job_id, None)

    def pending(self) -> list[str]:
        return sorted(self.jobs, key=lambda j: self.jobs[j][0])

    def next_run(self, job_id: str) -> datetime | None:
        found = self.jobs.get(job_id)
        return found[0] if found is not None else None

    def clear(self) -> None:
        """Forget every timer, as a process that stops does."""
        self.jobs.clear()
        self.rules.clear()
        self.intervals.clear()
        self.aside.clear()

    def _next_due(self, until: datetime) -> tuple[datetime, str] | None:
        due = [(at, jid) for jid, (at, _) in self.jobs.items() if at <= until]
        return min(due) if due else None

    async def _fire(self, job_id: str) -> None:
        at, func = self.jobs.pop(job_id)
        trigger = self.rules.get(job_id)
        if trigger is not None:  # re-armed before it runs, as APScheduler does
            self.jobs[job_id] = (trigger.get_next_fire_time(at, at).astimezone(UTC), func)
        elif job_id in self.intervals:
            self.jobs[job_id] = (at + self.intervals[job_id], func)
        try:
            await func()
        except Exception:
            log.exception("timer %s failed", job_id)

    async def run_due(self, now: datetime) -> list[str]:
        """Run every timer due at or before `now`, earliest first; return their ids."""
        ran: list[str] = []
        while (found := self._next_due(now)) is not None:
            await self._fire(found[1])
            ran.append(found[1])
        return ran

    async def run_until(
        self, clock: SettableClock, until: datetime,
        before: Callable[[datetime, str], None] | None = None,
    ) -> list[str]:
        """Move `clock` to `until`, stopping at each timer on the way to run it at its own
        moment (so a reminder due at 09:00 is delivered at 09:00, not when the jump ends).
        `before(moment, job_id)` is told of each timer as it fires (the demo narrates)."""
        ran: list[str] = []
        while (found := self._next_due(until)) is not None:
            at, job_id = found
            if at > clock.now():
                clock.set(at)
            if before is not None:
                before(clock.now(), job_id)
            await self._fire(job_id)
            ran.append(job_id)
        if until > clock.now():
            clock.set(until)
        return ran
