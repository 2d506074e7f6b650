"""The sweep: instances sharing one database pick up each other's reminders, so a reminder
whose instance stopped is still delivered, once, on time, by another; and what a stopped
instance cut off mid-delivery is settled by the start-up rules, never resent.

Each scenario runs on one SQLite file shared by two processes and on one PostgreSQL
database (TEST_DATABASE_URL) shared by two. The clocks are settable and the timers hand-run
(the sweep fires every 60 s of the test's clock, among the other timers); nothing sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.bootstrap import App, create_app
from bot.clock import SettableClock
from bot.config import ConfigError, Settings, load_settings
from bot.features.reminders import timers as feature
from bot.scheduling import ManualJobs
from storage.models import ReminderStatus
from tests.conftest import T0, Console
from tests.reminders_support import (
    AMARA,
    GEMMA,
    IDS,
    PRIYA,
    Delivery,
    Recorder,
    make_lab,
    rows,
)

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@dataclass
class Instance:
    """One bot process: its app, its clock, its hand-run timers and what it delivered."""

    name: str
    app: App
    clock: SettableClock
    jobs: ManualJobs
    recorder: Recorder

    async def run_until(self, until: datetime) -> list[str]:
        return await self.jobs.run_until(self.clock, until)

    def die(self) -> None:
        """The process stops: its timers (the sweep among them) are gone."""
        self.jobs.clear()


Start = Callable[[str], Awaitable[Instance]]


async def _instances(settings: Settings, tmp_path: Path, log: list[Delivery]
                     ) -> AsyncIterator[Start]:
    settings = settings.model_copy(update={"console": settings.console.model_copy(
        update={"files_dir": str(tmp_path)})})
    started: list[App] = []

    async def start(name: str) -> Instance:
        clock = SettableClock(T0)
        jobs = ManualJobs(periodic=True)  # the sweep fires every 60 s of `clock`
        app = await create_app(settings, clock=clock, jobs=jobs, migrate=not started)
        started.append(app)
        recorder = Recorder(clock, process=name, shared=log)
        app.ctx.messengers.register(recorder)
        await app.start()  # rebuild (nothing yet), then the sweep every minute
        return Instance(name, app, clock, jobs, recorder)

    try:
        yield start
    finally:
        for app in started:
            await app.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """Settings naming one database to share: a SQLite file, or a PostgreSQL database."""
    if request.param == "postgresql":
        pg_url = request.getfixturevalue("pg_url")
        return settings.model_copy(update={"database_url": SecretStr(pg_url)})
    return settings


@pytest.fixture
async def instances(shared: Settings, tmp_path: Path, log: list[Delivery]
                    ) -> AsyncIterator[Start]:
    """Start bot processes sharing one database."""
    async for start in _instances(shared, tmp_path, log):
        yield start


@pytest.fixture
def log() -> list[Delivery]:
    return []


async def a_and_b(instances: Start) -> tuple[Instance, Instance, Console]:
    """Two instances, both started before A's console sets up the lab: B's start-up saw
    nothing of what A writes next."""
    a = await instances("a")
    b = await instances("b")
    return a, b, await make_lab(a.app, Path(a.app.ctx.settings.console.files_dir))


def lines(log: list[Delivery]) -> list[tuple[str, str, str, datetime]]:
    """(process, to, the reminder's words, when) for each delivery."""
    return [(d.process, d.to, d.text.splitlines()[1], d.at) for d in log]


# --- an instance stops; another delivers --------------------------------------------------------


async def test_a_reminder_whose_instance_stopped_is_delivered_once_on_time_by_another(
    instances: Start, log: list[Delivery]
) -> None:
    a, b, lab = await a_and_b(instances)
    await lab("Gemma Rhodes", "/lab remind Amara in 30 minutes Send the draft")
    await lab("Gemma Rhodes", "/lab remind lab in 3 hours Break is over")
    # 21:30 in Kolkata: the row waits for 08:00 there (02:30 UTC); B must honour that.
    await lab("Gemma Rhodes", "/lab remind Priya in 6 hours Review the brief")
    await lab("Gemma Rhodes", "/lab remind me every monday 11:00 Weekly check")
    assert sorted(j for j in a.jobs.pending() if j.startswith("reminder:")) == [
        "reminder:1", "reminder:2", "reminder:3", "reminder:4"]
    assert [j for j in b.jobs.pending() if j.startswith("reminder:")] == []
    a.die()
    await a.app.close()

    await b.run_until(utc(2027, 1, 5, 3, 0))
    assert lines(log) == [
        ("b", IDS[AMARA], "Send the draft", T0 + 30 * MINUTE),
        ("b", IDS[GEMMA], "Weekly check", utc(2027, 1, 4, 11, 0)),
        ("b", "lab", "Break is over", T0 + 3 * HOUR),
        ("b", IDS[PRIYA], "Review the brief", utc(2027, 1, 5, 2, 30)),
    ]
    # On time, not late: the sweep armed each timer before it fell due.
    assert all("Late:" not in d.text for d in log)
    statuses = [(r.id, r.status, r.late) for r in await rows(b.app)]
    assert statuses == [(1, ReminderStatus.SENT, False), (2, ReminderStatus.SENT, False),
                        (3, ReminderStatus.SENT, False), (4, ReminderStatus.PENDING, False)]
    # The weekly one moved on to next Monday; B's cron timer waits for it.
    assert (await rows(b.app))[3].due_at == utc(2027, 1, 11, 11, 0)
    assert b.jobs.next_run("reminder:4") == utc(2027, 1, 11, 11, 0)


async def test_a_retry_planned_by_an_instance_that_stopped_is_made_by_another(
    instances: Start, log: list[Delivery]
) -> None:
    a, b, lab = await a_and_b(instances)
    a.app.ctx.messengers.register(Recorder(a.clock, "a", shared=log, fail_next=1))
    await lab("Gemma Rhodes", "/lab remind Amara in 30 minutes Send the draft")
    await a.run_until(T0 + 30 * MINUTE)  # the platform refuses; A plans a retry in 30 s
    assert log == []
    (r,) = await rows(a.app)
    assert (r.status, r.attempts, r.next_at) == (ReminderStatus.PENDING, 1,
                                                 T0 + 30 * MINUTE + timedelta(seconds=30))
    a.die()
    await b.run_until(T0 + HOUR)
    assert lines(log) == [("b", IDS[AMARA], "Send the draft",
                           T0 + 30 * MINUTE + timedelta(seconds=30))]
    (r,) = await rows(b.app)
    assert (r.status, r.attempts) == (ReminderStatus.SENT, 2)


async def test_a_delivery_a_stopped_instance_cut_off_is_failed_and_reported_never_resent(
    instances: Start, log: list[Delivery]
) -> None:
    a, b, lab = await a_and_b(instances)
    await lab("Amara Okafor", "/lab remind me in 1 hour Water the plants")
    await lab("Gemma Rhodes", "/lab remind me every monday 11:00 Weekly plants")
    a.clock.advance(HOUR)
    async with a.app.ctx.uow() as uow:  # A claims both, then stops before recording
        assert await uow.reminders.claim(1, T0 + HOUR, T0 + HOUR, late=False)
        assert await uow.reminders.claim(2, T0 + HOUR, T0 + HOUR, late=False)
        await uow.commit()
    a.die()
    await b.run_until(T0 + HOUR + feature.LEASE - MINUTE)
    assert log == []  # still within the lease: A might have been slow, not dead
    await b.run_until(T0 + 2 * HOUR)
    assert [d.to for d in log] == [IDS[GEMMA], IDS[GEMMA]]  # the facilitator, once each
    assert all("could not be delivered" in d.text for d in log)
    by_id = {r.id: r for r in await rows(b.app)}
    assert by_id[1].status is ReminderStatus.FAILED
    assert "not resent" in (by_id[1].last_error or "")
    # The weekly one: this occurrence is recorded failed; the reminder goes on to the next.
    assert by_id[2].status is ReminderStatus.PENDING
    assert by_id[2].due_at == utc(2027, 1, 11, 11, 0)
    assert by_id[3].status is ReminderStatus.FAILED and by_id[3].due_at == T0 + HOUR
    # Nothing was resent: B did not even arm the interrupted rows.
    assert [j for j in b.jobs.pending() if j.startswith("reminder:")] == []


# --- two instances sweep the same row ---------------------------------------------------------


async def test_two_instances_sweeping_the_same_rows_deliver_each_once(
    instances: Start, log: list[Delivery]
) -> None:
    a = await instances("a")
    b = await instances("b")
    writer = await instances("writer")  # sets the reminders, then stops
    lab = await make_lab(writer.app, Path(writer.app.ctx.settings.console.files_dir))
    expected = []
    for who, user in (("me", IDS[GEMMA]), ("Amara", IDS[AMARA]), ("lab", "lab")):
        for minutes in (3, 4, 30):
            await lab("Gemma Rhodes", f"/lab remind {who} in {minutes} minutes {who} {minutes}")
            expected.append((user, f"{who} {minutes}", T0 + minutes * MINUTE))
    writer.die()
    # Both sweep at the same moment: both find every row due within the horizon unarmed.
    for instance in (a, b):
        instance.clock.set(T0 + MINUTE)
    swept = await asyncio.gather(feature.sweep(a.app.ctx), feature.sweep(b.app.ctx))
    assert [(s.looked_at, s.armed) for s in swept] == [(6, 6), (6, 6)]
    # A second sweep finds them armed and arms nothing more.
    again = await feature.sweep(a.app.ctx)
    assert (again.looked_at, again.armed) == (6, 0)
    # Both fire every timer, interleaved; each reminder goes out once.
    await asyncio.gather(a.run_until(T0 + HOUR), b.run_until(T0 + HOUR))
    assert sorted((to, words, at) for _, to, words, at in lines(log)) == sorted(expected)
    assert {process for process, *_ in lines(log)} <= {"a", "b"}
    assert {r.status for r in await rows(a.app)} == {ReminderStatus.SENT}
    # And every timer fires once more, from both, at once: nothing more goes out.
    await asyncio.gather(*(feature.deliver(i.app.ctx, n) for n in range(1, 10) for i in (a, b)))
    assert len(log) == len(expected)


# --- what the sweep leaves alone, and what it costs -------------------------------------------


async def test_a_row_this_process_cannot_deliver_is_not_fired_again_every_minute(
    app: App, lab: Console, settings: Settings, clock: SettableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An instance without the recipient's platform leaves the row to one that has it, and
    looks once more only when the grace has passed, to record it missed if nobody could."""
    await lab("Gemma Rhodes", "/lab remind Amara in 10 minutes Send the draft")
    # Another instance, with no console adapter: it cannot reach Amara.
    jobs = ManualJobs(periodic=True)
    other = await create_app(settings, clock=clock, jobs=jobs, migrate=False)
    fired: list[datetime] = []
    real = feature.deliver

    async def counting(ctx: object, reminder_id: int) -> feature.Outcome:
        fired.append(clock.now())
        return await real(other.ctx, reminder_id)

    monkeypatch.setattr(feature, "deliver", counting)
    try:
        await other.start()
        await jobs.run_until(clock, T0 + 10 * MINUTE)
        assert fired == [T0 + 10 * MINUTE]
        grace = timedelta(hours=1)
        assert jobs.next_run("reminder:1") == T0 + 10 * MINUTE + grace + MINUTE
        await jobs.run_until(clock, T0 + 2 * HOUR)  # 110 sweeps meanwhile
        assert fired == [T0 + 10 * MINUTE, T0 + 10 * MINUTE + grace + MINUTE]
        assert (await rows(other))[0].status is ReminderStatus.MISSED
    finally:
        await other.close()


async def test_the_sweep_is_configured_in_reminders_and_can_be_turned_off(
    settings: Settings, clock: SettableClock, tmp_path: Path
) -> None:
    for every, expected in (("60s", T0 + MINUTE), ("5m", T0 + 5 * MINUTE), ("0s", None)):
        changed = settings.model_copy(update={"reminders": settings.reminders.model_copy(
            update={"sweep_every": every, "sweep_horizon": "10m"})})
        jobs = ManualJobs(periodic=True)
        app = await create_app(changed, clock=clock, jobs=jobs, migrate=True)
        try:
            await app.start()
            assert jobs.next_run(feature.SWEEP_JOB) == expected
        finally:
            await app.close()
    path = tmp_path / "config.toml"
    path.write_text('[reminders]\nsweep_every = "5m"\nsweep_horizon = "1m"\n')
    with pytest.raises(ConfigError, match=r"sweep_horizon \(1m\) must be at least "
                                          r"sweep_every \(5m\)"):
        load_settings(path)
    path.write_text('[reminders]\nsweep_every = "often"\n')
    with pytest.raises(ConfigError, match="'often' is not a duration"):
        load_settings(path)


async def test_the_demo_clock_keeps_the_sweep_aside_until_asked(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock
) -> None:
    """ManualJobs without `periodic` (the demo's) does not run a once-a-minute job thousands
    of times when the clock jumps days; it runs when asked."""
    await app.start()
    assert feature.SWEEP_JOB not in jobs.pending()
    await lab("Gemma Rhodes", "/lab remind me in 2 hours Send the agenda")
    jobs.cancel("reminder:1")  # as if another process had written it
    await jobs.run_periodic(feature.SWEEP_JOB)
    assert jobs.pending() == []  # due beyond the 5-minute horizon: not yet
    clock.advance(HOUR + 56 * MINUTE)
    await jobs.run_periodic(feature.SWEEP_JOB)
    assert jobs.pending() == ["reminder:1"]
