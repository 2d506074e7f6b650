"""The inbox on SQLite and PostgreSQL: a delivery is recorded once whoever records it; an
abandoned row is taken over by exactly one instance and carried out once; the work's commit
and its `done` are one transaction; the queue is fair and keeps each person's order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import SettableClock
from bot.inbox import Envelope, FairQueue, Inbox, Recovery, Stored, _Job
from storage import migrations
from storage.db import create_engine, session_factory
from storage.models import AuditEntry, InboxEntry
from storage.uow import UnitOfWorkFactory, unit_of_work_factory

T0 = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'd.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
async def uow(url: str) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(url)
    await migrations.upgrade(engine)
    yield unit_of_work_factory(session_factory(engine))
    await engine.dispose()


def envelope(key: str, user: str = "U1", channel: str = "C1") -> Envelope:
    return Envelope(key=key, platform="slack", kind="command", workspace="T1", user_id=user,
                    channel=channel, payload={"text": "note hello"},
                    resend="send `/lab note hello` again")


async def rows(uow: UnitOfWorkFactory) -> list[InboxEntry]:
    async with uow() as u:
        return list((await u.session.scalars(select(InboxEntry).order_by(InboxEntry.id))).all())


async def audited(uow: UnitOfWorkFactory) -> int:
    async with uow() as u:
        return len((await u.session.scalars(select(AuditEntry))).all())


async def test_the_same_delivery_recorded_by_two_instances_at_once_is_one_row(
        uow: UnitOfWorkFactory) -> None:
    clock = SettableClock(T0)
    a, b = Inbox(uow, clock), Inbox(uow, clock)
    ids = await asyncio.gather(*(i.record(envelope("k1")) for i in (a, b, a, b)))
    assert len([i for i in ids if i is not None]) == 1
    assert len(await rows(uow)) == 1


async def write_audit(uow: UnitOfWorkFactory, fail: bool = False) -> None:
    async with uow() as u:
        u.session.add(AuditEntry(lab_id=None, actor_id=None, action="note", detail={},
                                 at=T0))
        if fail:
            raise RuntimeError("cut off before the commit")
        await u.commit()


async def test_an_abandoned_row_is_taken_over_once_and_carried_out_once(
        uow: UnitOfWorkFactory) -> None:
    clock = SettableClock(T0)
    dead = Inbox(uow, clock, owner="dead")
    assert await dead.record(envelope("k1")) is not None  # acked, then the process died
    runs: list[int] = []
    told: list[str] = []

    async def run(stored: Stored) -> None:
        runs.append(stored.id)
        await write_audit(uow)

    async def tell(stored: Stored, text: str) -> None:
        told.append(text)

    instances = [Inbox(uow, clock, workers=2) for _ in range(3)]
    for inbox in instances:
        inbox.recover_with("slack", Recovery(run=run, tell=tell, window=timedelta(minutes=25)))
        inbox.accepting = True
    assert sum(await asyncio.gather(*(i.recover() for i in instances))) == 0  # lease ahead
    clock.advance(timedelta(seconds=31))
    try:
        # Each starts (its keeper looks for abandoned rows at once) and looks again.
        await asyncio.gather(*(i.start() for i in instances))
        await asyncio.gather(*(i.recover() for i in instances))
        for _ in range(250):
            if [r.status for r in await rows(uow)] == ["done"]:
                break
            await asyncio.sleep(0.02)
        for inbox in instances:
            await inbox.idle(10)
    finally:
        for inbox in instances:
            await inbox.stop()
    assert runs and len(runs) == 1 and told == []
    assert await audited(uow) == 1
    assert [r.status for r in await rows(uow)] == ["done"]


async def test_work_cut_off_before_its_commit_runs_again_and_after_it_does_not(
        uow: UnitOfWorkFactory) -> None:
    clock = SettableClock(T0)
    inbox = Inbox(uow, clock, workers=1)
    await inbox.start()
    try:
        committed = await inbox.accept(envelope("k1"), lambda: write_audit(uow))
        cut_off = await inbox.accept(envelope("k2"), lambda: write_audit(uow, fail=True))
        assert committed is not None and cut_off is not None
        await inbox.idle(10)
    finally:
        await inbox.stop()
    # The first committed, and its `done` with it; the second committed nothing, was
    # answered (the worker finished it) and would not be run again either.
    assert [r.status for r in await rows(uow)] == ["done", "done"]
    assert await audited(uow) == 1


async def test_a_row_started_too_long_ago_or_too_often_is_reported_not_run(
        uow: UnitOfWorkFactory) -> None:
    clock = SettableClock(T0)
    dead = Inbox(uow, clock, owner="dead")
    await dead.record(envelope("old"))
    told: list[tuple[int, str]] = []

    async def tell(stored: Stored, text: str) -> None:
        told.append((stored.id, text))

    async def run(stored: Stored) -> None:
        raise AssertionError("too late to run")

    clock.advance(timedelta(minutes=30))
    inbox = Inbox(uow, clock)
    inbox.recover_with("slack", Recovery(run=run, tell=tell, window=timedelta(minutes=25)))
    assert await inbox.recover() == 1
    assert len(told) == 1
    assert "did not go through" in told[0][1] and "send `/lab note hello` again" in told[0][1]
    assert [r.status for r in await rows(uow)] == ["told"]


def job(seq: int, person: str, lane: str) -> _Job:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def nothing() -> None:
        return None

    return _Job(seq, seq, person, lane, nothing, future)


async def test_the_queue_takes_labs_in_turn_and_each_person_in_order() -> None:
    queue = FairQueue()
    # A noisy lab sends 6 from one person and 2 from another before a quiet lab sends one.
    jobs = [job(n, "noisy-a", "noisy") for n in range(6)]
    jobs += [job(6, "noisy-b", "noisy"), job(7, "noisy-b", "noisy"), job(8, "quiet-c", "quiet")]
    for j in jobs:
        await queue.put(j)
    first, second = await queue.take(), await queue.take()
    # The quiet lab's one job does not wait behind the noisy lab's eight.
    third = await queue.take()
    assert {first.lane, second.lane, third.lane} == {"noisy", "quiet"}
    assert 8 in {first.seq, second.seq, third.seq}
    # A person's next job waits until their previous one is done: their order holds.
    taken = [first, second, third]
    order_a = [j.seq for j in taken if j.person == "noisy-a"]
    while queue.waiting:
        for j in taken:
            await queue.done(j)
        taken = [await queue.take()]
        order_a += [j.seq for j in taken if j.person == "noisy-a"]
    assert order_a == sorted(order_a) == list(range(6))


async def test_finished_rows_are_forgotten_after_a_day_unfinished_ones_never(
        uow: UnitOfWorkFactory) -> None:
    from storage.repositories.inbox import InboxRepository

    clock = SettableClock(T0)
    inbox = Inbox(uow, clock)
    done_id = await inbox.record(envelope("done"))
    await inbox.record(envelope("open"))
    assert done_id is not None
    async with uow() as u:
        await InboxRepository(u.session).finish(done_id, T0)
        assert await InboxRepository(u.session).prune(T0 + timedelta(days=1)) == 1
        await u.commit()
    assert [r.key for r in await rows(uow)] == ["open"]
