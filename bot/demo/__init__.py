"""`actionlab demo`: a scripted Action Lab played through the console adapter and the real
core, on a fresh SQLite file, with a clock the script moves forward."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.clock import SettableClock
from bot.config import Settings
from bot.scheduling import ManualJobs

# Monday 4 January 2027, 10:00 UTC: a week before the first candidate meeting slots.
DEMO_START = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)


@dataclass
class Stage:
    """What an act can do: narrate, type as someone, press a control, move the clock."""

    console: object  # adapters.console.app.ConsoleAdapter (imported lazily: bot/ stays light)
    clock: SettableClock
    jobs: ManualJobs
    out: TextIO
    out_dir: Path

    def say(self, text: str) -> None:
        self.out.write(f"\n# {text}\n")
        self.out.flush()

    async def type(self, who: str, line: str, *answers: str) -> None:
        from adapters.console.app import ConsoleAdapter

        console = self.console
        assert isinstance(console, ConsoleAdapter)
        console.become(who)
        console.write(f"{who}> {line}")
        console.queue(*answers)
        await console.send(line)

    async def press(self, who: str, label: str, choice: str | None = None) -> None:
        line = f":press {label}" + (f" -> {choice}" if choice else "")
        await self.type(who, line)

    async def advance(self, delta: timedelta) -> list[str]:
        """Move the clock and fire the timers that fall due, in order, each at its moment."""
        until = self.clock.now() + delta
        self.say(f"The clock moves on to {until:%a %d %b %Y %H:%M} UTC.")
        told: list[datetime] = []

        def tell(moment: datetime, job_id: str) -> None:
            if not told or told[-1] != moment:
                self.out.write(f"  ({moment:%a %d %b %H:%M} UTC: {job_id})\n")
                told.append(moment)

        return await self.jobs.run_until(self.clock, until, tell)


Act = Callable[[Stage], Awaitable[None]]


def acts() -> list[Act]:
    """The whole cycle, in the order a lab lives it."""
    from bot.demo import lab, minutes, poll, reminders, vote

    return [lab.act, poll.act, vote.act, reminders.act, minutes.act, vote.recount,
            minutes.follow_up]


async def meeting_start(stage: Stage, number: int) -> datetime:
    """When the lab's meeting #`number` starts (UTC), as the poll act scheduled it."""
    from adapters.console.app import ConsoleAdapter

    assert isinstance(stage.console, ConsoleAdapter)
    async with stage.console.ctx.uow() as uow:
        lab = (await uow.labs.all())[0]
        meeting = await uow.meetings.by_number(lab.id, number)
    if meeting is None:
        raise RuntimeError(f"the demo expected meeting #{number} to be scheduled by now")
    return meeting.starts_at


class DemoError(Exception):
    """The demo cannot start as asked (e.g. its database file already holds a lab)."""


def _prepare(out_dir: Path, db_path: str | None) -> Path:
    """The output folder, and a fresh database file (a named one must not exist yet: the
    script would replay onto old data)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if db_path:
        if Path(db_path).exists() and Path(db_path).stat().st_size > 0:
            raise DemoError(f"{db_path} already exists; the demo needs a new file to keep "
                            "(or leave out --db for a fresh one in the output folder)")
        return Path(db_path)
    db = out_dir / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


async def run_demo(
    settings: Settings, *, out_dir: Path, db_path: str | None = None,
    out: TextIO | None = None,
) -> int:
    from adapters.console.app import ConsoleAdapter
    from bot.bootstrap import create_app

    out = out or sys.stdout
    db = _prepare(out_dir, db_path)
    settings = settings.model_copy(update={
        "database_url": type(settings.database_url)(f"sqlite+aiosqlite:///{db}"),
    })
    clock = SettableClock(DEMO_START)
    jobs = ManualJobs()
    app = await create_app(settings, clock=clock, jobs=jobs, migrate=True)
    try:
        console = ConsoleAdapter(app.ctx, out=out, user="Gemma Rhodes",
                                 files_dir=out_dir / "files")
        await app.start()
        stage = Stage(console, clock, jobs, out, out_dir)
        out.write(f"actionlab demo · database {db} · files in {out_dir}\n")
        for act in acts():
            await act(stage)
        stage.say(f"The demo is over. Its database is {db}; its files are in {out_dir}.")
    finally:
        await app.close()
    return 0
