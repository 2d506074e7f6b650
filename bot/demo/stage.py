"""The demo's stage: the console the acts type into, the clock they move, and the helpers
every act shares (kept apart from the package so that acts and the runner import one way)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from bot.clock import SettableClock
from bot.i18n import _, localized
from bot.scheduling import ManualJobs

if TYPE_CHECKING:
    from bot.context import Context

# Monday 4 January 2027, 10:00 UTC: a week before the first candidate meeting slots.
DEMO_START = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)


class Console(Protocol):
    """What the acts need of the console adapter (built by the composition root,
    bot/compose.py): the demo types and presses as its people, it never builds adapters."""

    ctx: Context

    @property
    def last_message(self) -> int: ...

    def become(self, name: str) -> None: ...

    def write(self, line: str = "") -> None: ...

    def queue(self, *lines: str) -> None: ...

    async def send(self, line: str) -> bool: ...


@dataclass
class Stage:
    """What an act can do: narrate, type as someone, press a control, move the clock."""

    console: Console
    clock: SettableClock
    jobs: ManualJobs
    out: TextIO
    out_dir: Path
    language: str | None = None  # every reader's (`actionlab demo --lang fr`), and the lab's

    def say(self, text: str) -> None:
        self.out.write(f"\n# {text}\n")
        self.out.flush()

    async def type(self, who: str, line: str, *answers: str) -> None:
        console = self.console
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
        self.say(_("The clock moves on to {until:%a %d %b %Y %H:%M} UTC.").format(
            until=localized(until)))
        told: list[datetime] = []

        def tell(moment: datetime, job_id: str) -> None:
            if not told or told[-1] != moment:
                self.out.write(_("  ({moment:%a %d %b %H:%M} UTC: {job_id})\n").format(
                    moment=localized(moment), job_id=job_id))
                told.append(moment)

        return await self.jobs.run_until(self.clock, until, tell)


Act = Callable[[Stage], Awaitable[None]]


async def meeting_start(stage: Stage, number: int) -> datetime:
    """When the lab's meeting #`number` starts (UTC), as the poll act scheduled it."""
    async with stage.console.ctx.uow() as uow:
        lab = (await uow.labs.all())[0]
        meeting = await uow.meetings.by_number(lab.id, number)
    if meeting is None:
        raise RuntimeError(f"the demo expected meeting #{number} to be scheduled by now")
    return meeting.starts_at
