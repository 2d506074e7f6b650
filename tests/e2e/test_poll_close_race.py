"""A poll closes once, whoever gets there first: a facilitator's `/lab poll close` in one
process and the deadline timer in another, sharing one SQLite file or one PostgreSQL database.

Each race is played in a fixed order (one side has read the poll open, the other closes it,
then the first carries on), so the tests fail every time if closing reads then writes; the
last test also runs many closes at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.config import Settings
from bot.events import Event, Happening, PollClosed
from bot.features.polls import close_poll
from bot.features.polls import closing as polls
from bot.router import Call, Router
from bot.scheduling import ManualJobs
from storage.models import AuditEntry, MinuteEntry, Poll
from tests.conftest import T0
from tests.e2e.test_polls import FlatConsole, answer_small_poll
from tests.reminders_support import Recorder, make_lab, second_process

GEMMA = 1


@dataclass
class TwoProcesses:
    """The facilitator's process (with the console) and the timer's (a recording messenger),
    on one database, with a poll answered and the minutes of a call open."""

    first: App
    second: App
    lab: FlatConsole
    posted: Recorder  # what the second process posted
    closed: list[Event]  # PollClosed, as published in either process

    async def timer_close(self) -> bool:
        """The deadline timer of the second process, as reminders run it."""
        async with self.second.ctx.uow() as uow:
            done = await close_poll(self.second.ctx, uow, 1, T0)
            await uow.commit()
        return done

    def announcements(self) -> int:
        first = self.lab.buffer.getvalue().count("== Poll #1 closed: M ==")
        second = sum(1 for d in self.posted.sent if "Poll #1 closed: M" in d.text)
        return first + second

    async def counts(self) -> tuple[int, int]:
        """Audit entries for the close, and decisions the minutes recorded from it."""
        async with self.first.ctx.uow() as uow:
            audit = await uow.session.scalar(select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "poll.closed"))
            decisions = await uow.session.scalar(select(func.count(MinuteEntry.id)).where(
                MinuteEntry.source_ref == "poll:1"))
        return int(audit or 0), int(decisions or 0)

    async def assert_closed_once(self) -> Poll:
        assert len(self.closed) == 1
        assert self.announcements() == 1
        assert await self.counts() == (1, 1)
        async with self.first.ctx.uow() as uow:
            poll = await uow.polls.get(1)
        assert poll is not None and poll.status == "closed"
        assert poll.outcome and poll.outcome.startswith("Best slot: #2")
        return poll


def listen(app: App, into: list[Event]) -> None:
    extra = Router()

    @extra.on(PollClosed)
    async def closed(event: Event, happening: Happening) -> None:
        into.append(event)

    app.ctx.router.include(extra)


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> Settings:
    """One SQLite file, or one PostgreSQL database (`pg_url`), for both processes."""
    if request.param == "postgresql":
        pg_url = request.getfixturevalue("pg_url")
        settings = settings.model_copy(update={"database_url": SecretStr(pg_url)})
    return settings.model_copy(update={"console": settings.console.model_copy(
        update={"files_dir": str(tmp_path)})})


@pytest.fixture
async def two(shared: Settings, tmp_path: Path) -> AsyncIterator[TwoProcesses]:
    settings = shared
    first = await create_app(settings, clock=SettableClock(T0), jobs=ManualJobs(), migrate=True)
    second, posted = await second_process(settings, SettableClock(T0), "b")
    try:
        lab = FlatConsole(await make_lab(first, tmp_path))
        await answer_small_poll(lab)
        await lab("Gemma Rhodes", '/lab minutes start "Kick-off call"')
        closed: list[Event] = []
        listen(first, closed)
        listen(second, closed)
        yield TwoProcesses(first, second, lab, posted, closed)
    finally:
        await first.close()
        await second.close()


async def test_the_timer_that_read_the_poll_open_does_not_close_it_again(
    two: TwoProcesses
) -> None:
    async with two.second.ctx.uow() as timer:
        poll = await timer.polls.get(1)  # the timer's process has seen the poll open ...
        assert poll is not None and poll.status == "open"
        out = await two.lab("Gemma Rhodes", "/lab poll close 1")  # ... a facilitator closes
        assert "Poll #1 is closed; I told the lab." in out
        assert await close_poll(two.second.ctx, timer, 1, T0) is False  # ... then the timer
        await timer.commit()
    poll = await two.assert_closed_once()
    assert poll.closed_by_id == GEMMA
    assert two.posted.sent == []


async def test_a_facilitator_who_read_the_poll_open_is_told_the_deadline_won(
    two: TwoProcesses, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = polls.find_poll

    async def then_the_deadline(call: Call[Any], ref: str) -> Poll:
        poll = await found(call, ref)  # `/lab poll close` has read the poll, still open ...
        assert poll.status == "open"
        assert await two.timer_close() is True  # ... when the other process's timer fires
        return poll

    monkeypatch.setattr(polls, "find_poll", then_the_deadline)
    out = await two.lab("Gemma Rhodes", "/lab poll close 1")
    assert "only Gemma Rhodes sees this" in out
    assert "Poll #1 is already closed" in out and "I told the lab" not in out
    poll = await two.assert_closed_once()
    assert poll.closed_by_id is None  # the deadline's close stands
    assert len(two.posted.sent) == 1


async def test_many_closes_at_once_close_once(two: TwoProcesses) -> None:
    async def manual() -> bool:
        async with two.first.ctx.uow() as uow:
            done = await close_poll(two.first.ctx, uow, 1, T0, closed_by=GEMMA)
            await uow.commit()
        return done

    results = await asyncio.gather(*(f() for _ in range(3)
                                     for f in (manual, two.timer_close)))
    assert sorted(results) == [False] * 5 + [True]
    await two.assert_closed_once()
    async with two.first.ctx.uow() as uow:
        assert await close_poll(two.first.ctx, uow, 1, T0) is False  # and later: still once
    await two.assert_closed_once()
