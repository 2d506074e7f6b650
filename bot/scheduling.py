"""Timers: the only module that touches APScheduler.

APScheduler holds in-memory timers only, each with a stable id; the database is the
source of truth and the timers are rebuilt from it at start-up (see `Startup`).
`ManualJobs` is the same port driven by hand, for the demo's accelerated clock and tests.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.ports import JobFunc

if TYPE_CHECKING:
    from bot.context import Context

log = logging.getLogger(__name__)

# Start-up work that rebuilds timers from the tables; features append to it.
Startup = Callable[["Context"], Awaitable[None]]


class Scheduler:
    """The Jobs port on APScheduler 3's AsyncIOScheduler, in the running event loop."""

    def __init__(self) -> None:
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def schedule(self, job_id: str, run_at: datetime, func: JobFunc) -> None:
        self._scheduler.add_job(
            func, DateTrigger(run_date=run_at, timezone=UTC), id=job_id,
            replace_existing=True,
            # A timer that fires late still runs: the claim on its row decides what happens.
            misfire_grace_time=None, coalesce=True,
        )

    def cancel(self, job_id: str) -> None:
        with contextlib.suppress(JobLookupError):
            self._scheduler.remove_job(job_id)

    def pending(self) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs()]


class ManualJobs:
    """Timers that fire only when `run_due` is called: for accelerated demos and tests."""

    def __init__(self) -> None:
        self.jobs: dict[str, tuple[datetime, JobFunc]] = {}

    def schedule(self, job_id: str, run_at: datetime, func: JobFunc) -> None:
        self.jobs[job_id] = (run_at, func)

    def cancel(self, job_id: str) -> None:
        self.jobs.pop(job_id, None)

    def pending(self) -> list[str]:
        return sorted(self.jobs, key=lambda j: self.jobs[j][0])

    async def run_due(self, now: datetime) -> list[str]:
        """Run every timer due at or before `now`, earliest first; return their ids."""
        ran: list[str] = []
        while True:
            due = [(at, jid) for jid, (at, _) in self.jobs.items() if at <= now]
            if not due:
                return ran
            _, job_id = min(due)
            _, func = self.jobs.pop(job_id)
            try:
                await func()
            except Exception:
                log.exception("timer %s failed", job_id)
            ran.append(job_id)
