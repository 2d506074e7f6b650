"""Reminder delivery: on time, once, across restarts, with quiet hours, retries, misfires,
and the reminders of meetings, polls, votes and action items.

Every test but one runs on a settable clock with hand-run timers and never sleeps; the one
that uses the real AsyncIOScheduler waits for a timer set 100 ms ahead.
"""

from __future__ import annotations

import asyncio
import re
import time as monotonic
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import update

from bot.bootstrap import App, create_app
from bot.clock import SettableClock, SystemClock
from bot.config import Settings
from bot.domain.meetings import MeetingStatus
from bot.errors import UserError
from bot.events import (
    ActionItemClosed,
    ActionItemCreated,
    ActionItemUpdated,
    MeetingCancelled,
    MeetingMoved,
    MeetingScheduled,
    MemberLeft,
    PollClosed,
    PollDeleted,
    PollOpened,
    VoteDeleted,
    VoteOpened,
    publish,
)
from bot.features import reminders as feature
from bot.features.reminders import deliver
from bot.messages import Button, File, Reply
from bot.router import Call, Router
from bot.scheduling import ManualJobs, Scheduler
from bot.subjects import SubjectInfo, SubjectKind
from storage.models import Meeting, Reminder, ReminderKind, ReminderStatus
from storage.uow import UnitOfWork
from tests.conftest import T0, Console
from tests.reminders_support import (
    AMARA,
    GEMMA,
    IDS,
    PRIYA,
    ZOE,
    Delivery,
    Recorder,
    emit,
    make_lab,
    rows,
    second_process,
)

HOUR = timedelta(hours=1)


def flat(out: str) -> str:
    """Console output with its line wrapping undone."""
    return re.sub(r"\s*\n\s*(· )?", " ", out)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def recorder(app: App, clock: SettableClock, lab: Console) -> Recorder:
    """Deliveries go to a recorder instead of the console (set up after the lab, so the
    console still answers commands)."""
    found = Recorder(clock)
    app.ctx.messengers.register(found)
    return found


async def run(jobs: ManualJobs, clock: SettableClock, delta: timedelta) -> list[str]:
    return await jobs.run_until(clock, clock.now() + delta)


def reminder_jobs(jobs: ManualJobs) -> list[str]:
    return [j for j in jobs.pending() if j.startswith("reminder:")]


# --- the real scheduler -----------------------------------------------------------------------


async def test_the_real_asyncio_scheduler_fires_a_timer_100ms_ahead(
    settings: Settings, tmp_path: Path
) -> None:
    app = await create_app(settings, migrate=True)  # the system clock and APScheduler
    try:
        assert isinstance(app.ctx.jobs, Scheduler) and isinstance(app.ctx.clock, SystemClock)
        await make_lab(app, tmp_path)
        fired = asyncio.Event()

        class Signalling(Recorder):
            async def post(self, *args: Any, **kwargs: Any) -> Any:
                ref = await super().post(*args, **kwargs)
                fired.set()
                return ref

        recorder = Signalling(app.ctx.clock)
        app.ctx.messengers.register(recorder)
        due = app.ctx.clock.now() + timedelta(milliseconds=100)
        async with app.ctx.uow() as uow:
            await uow.reminders.add(Reminder(
                lab_id=1, kind=ReminderKind.CUSTOM, author_id=GEMMA, text="Stand up",
                due_at=due, next_at=due, quiet_exempt=True, status=ReminderStatus.PENDING,
                created_at=app.ctx.clock.now()))
            await uow.commit()
        started = monotonic.monotonic()
        await app.start()  # rebuilds the timer from the table, then starts APScheduler
        # ... with the live cards' sweep and the daily purge of declined applicants.
        assert sorted(app.ctx.jobs.pending()) == ["applications:purge", "live:sweep",
                                                  "reminder:1", "reminders:sweep"]
        sweep_at = app.ctx.jobs.next_run("reminders:sweep")
        assert sweep_at is not None and sweep_at > app.ctx.clock.now() + timedelta(seconds=50)
        await asyncio.wait_for(fired.wait(), timeout=10)
        assert monotonic.monotonic() - started >= 0.09  # at its moment, not at once
        assert [d.text for d in recorder.sent] == ["Reminder for Action Lab 1\nStand up\n"
                                                  "From Gemma Rhodes on "
                                                  + recorder.sent[0].text.split(" on ")[1]]
        assert recorder.sent[0].at >= due
        for _ in range(50):  # the outcome is recorded just after the post
            if (await rows(app))[0].status is ReminderStatus.SENT:
                break
            await asyncio.sleep(0.01)
        assert (await rows(app))[0].status is ReminderStatus.SENT
    finally:
        await app.close()


# --- after the commit, and only then ----------------------------------------------------------


async def test_timers_are_set_only_after_the_commit(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock
) -> None:
    extra = Router()

    @extra.command("fake remind", summary="adds a reminder, then maybe fails")
    async def fake(call: Call[Any]) -> Reply:
        r = await call.uow.reminders.add(Reminder(
            lab_id=1, kind=ReminderKind.CUSTOM, recipient_id=call.person.id, text="x",
            due_at=clock.now() + HOUR, next_at=clock.now() + HOUR,
            status=ReminderStatus.PENDING, created_at=clock.now()))
        feature.arm_after_commit(call.ctx, call.uow, [r])
        if call.actor.user_id == "amara-okafor":
            raise UserError("changed my mind")
        return Reply.say("ok")

    app.ctx.router.include(extra)
    out = await lab("Amara Okafor", "/lab fake remind")
    assert "changed my mind" in out
    assert reminder_jobs(jobs) == [] and await rows(app) == []
    await lab("Priya Raman", "/lab fake remind")
    assert [r.id for r in await rows(app)] == [1]
    assert reminder_jobs(jobs) == ["reminder:1"]


# --- restarts, downtime, misfires -------------------------------------------------------------


async def test_a_restart_rebuilds_every_pending_timer_from_the_table(
    app: App, lab: Console, settings: Settings, clock: SettableClock, recorder: Recorder
) -> None:
    await lab("Gemma Rhodes", "/lab remind me in 2 hours Send the agenda")
    await lab("Gemma Rhodes", "/lab remind Amara tomorrow 10:00 Share the case studies")
    await lab("Gemma Rhodes", "/lab remind me every monday 09:00 Check my action items")
    await lab("Gemma Rhodes", "/lab remind lab friday 9am Bring your top three")
    await lab.press("Gemma Rhodes", "Cancel it")  # the last one
    await app.close()  # the process stops; its timers are gone

    restarted, again = await second_process(settings, clock, "restarted")
    try:
        await restarted.start()
        jobs = restarted.ctx.jobs
        assert isinstance(jobs, ManualJobs)
        assert sorted(reminder_jobs(jobs)) == ["reminder:1", "reminder:2", "reminder:3"]
        await run(jobs, clock, timedelta(days=8))
        assert [(d.to, d.text.splitlines()[1], d.at) for d in again.sent] == [
            (IDS[GEMMA], "Send the agenda", T0 + 2 * HOUR),
            (IDS[AMARA], "Share the case studies", utc(2027, 1, 5, 10, 0)),
            (IDS[GEMMA], "Check my action items", utc(2027, 1, 11, 9, 0)),
        ]
        assert recorder.sent == []  # the stopped process delivers nothing
        statuses = [(r.id, r.status) for r in await rows(restarted)]
        assert statuses == [(1, ReminderStatus.SENT), (2, ReminderStatus.SENT),
                            (3, ReminderStatus.PENDING), (4, ReminderStatus.CANCELLED)]
        assert (await rows(restarted))[2].due_at == utc(2027, 1, 18, 9, 0)
    finally:
        await restarted.close()


async def test_after_downtime_recent_reminders_go_late_and_older_ones_are_missed_once(
    app: App, lab: Console, settings: Settings, clock: SettableClock
) -> None:
    await lab("Gemma Rhodes", "/lab remind me in 1 hour Old one")
    await lab("Gemma Rhodes", "/lab remind Amara in 3 hours Older than the grace")
    await lab("Gemma Rhodes", "/lab remind lab in 5 hours Recent one")
    await lab("Gemma Rhodes", "/lab remind me in 9 hours Still to come")
    await app.close()
    clock.advance(timedelta(hours=5, minutes=30))  # the bot was down all this time

    back, recorder = await second_process(settings, clock, "back")
    try:
        await back.start()
        jobs = back.ctx.jobs
        assert isinstance(jobs, ManualJobs)
        await jobs.run_due(clock.now())
        late = [d for d in recorder.sent if d.kind == "post"]
        assert len(late) == 1 and "Recent one" in late[0].text
        assert "Late: it was due" in late[0].text and "while the bot was offline" in late[0].text
        summary = recorder.to(IDS[GEMMA])
        assert len(summary) == 1
        assert "2 reminders missed" in summary[0].text
        assert "more than 1 hour before the bot could send them" in summary[0].text
        assert "Old one" in summary[0].text and "to Amara Okafor" in summary[0].text
        by_text = {r.text: r for r in await rows(back)}
        assert by_text["Old one"].status is ReminderStatus.MISSED
        assert by_text["Older than the grace"].status is ReminderStatus.MISSED
        assert by_text["Recent one"].status is ReminderStatus.SENT and by_text["Recent one"].late
        assert by_text["Still to come"].status is ReminderStatus.PENDING
    finally:
        await back.close()

    # Another restart: nothing is summarised twice.
    again, recorder2 = await second_process(settings, clock, "again")
    try:
        await again.start()
        await again.ctx.jobs.run_due(clock.now())  # type: ignore[attr-defined]
        assert recorder2.sent == []
        await again.ctx.jobs.run_until(clock, clock.now() + 4 * HOUR)  # type: ignore[attr-defined]
        assert [d.to for d in recorder2.sent] == [IDS[GEMMA]]
    finally:
        await again.close()


async def test_a_timer_that_fires_after_the_grace_marks_its_reminder_missed(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    """A process that froze (or a laptop that slept) fires its timers late."""
    await lab("Amara Okafor", "/lab remind me in 1 hour Water the plants")
    clock.advance(3 * HOUR)
    await jobs.run_due(clock.now())
    assert recorder.to(IDS[AMARA]) == []
    assert (await rows(app))[0].status is ReminderStatus.MISSED
    assert ["1 reminder missed" in d.text for d in recorder.to(IDS[GEMMA])] == [True]


async def test_a_delivery_cut_off_by_a_stop_is_never_resent(
    app: App, lab: Console, settings: Settings, clock: SettableClock
) -> None:
    await lab("Amara Okafor", "/lab remind me in 1 hour Water the plants")
    async with app.ctx.uow() as uow:  # claimed, then the process died before recording
        assert await uow.reminders.claim(1, T0 + HOUR, T0 + HOUR, late=False)
        await uow.commit()
    await app.close()
    clock.advance(2 * HOUR)
    back, recorder = await second_process(settings, clock)
    try:
        await back.start()
        await back.ctx.jobs.run_due(clock.now())  # type: ignore[attr-defined]
        assert recorder.to(IDS[AMARA]) == []
        r = (await rows(back))[0]
        assert r.status is ReminderStatus.FAILED and "not resent" in (r.last_error or "")
        told = recorder.to(IDS[GEMMA])
        assert len(told) == 1 and "could not be delivered" in told[0].text
    finally:
        await back.close()


# --- exactly once -----------------------------------------------------------------------------


async def test_a_double_fire_delivers_once(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    await lab("Gemma Rhodes", "/lab remind Priya in 1 hour Review the brief")
    clock.advance(HOUR)
    outcomes = await asyncio.gather(*(deliver(app.ctx, 1) for _ in range(5)))
    assert sorted(outcomes).count("sent") == 1
    assert len(recorder.to(IDS[PRIYA])) == 1
    await jobs.run_due(clock.now())  # and the timer itself, firing afterwards
    assert len(recorder.to(IDS[PRIYA])) == 1


async def _two_processes_deliver_once(
    first: App, first_clock: SettableClock, second: App, second_clock: SettableClock,
    log: list[Delivery],
) -> None:
    console = await make_lab(first, Path(first.ctx.settings.console.files_dir))
    first.ctx.messengers.register(Recorder(first_clock, "a", shared=log))
    for who in ("me", "Amara", "Zoë", "Priya", "lab"):
        for minutes in (30, 60, 61):
            await console("Gemma Rhodes", f"/lab remind {who} in {minutes} minutes {who} "
                                          f"{minutes}")
    await console("Gemma Rhodes", "/lab remind lab every monday 11:00 weekly")
    await second.start()  # the second process arms the same timers from the table
    jobs_a, jobs_b = first.ctx.jobs, second.ctx.jobs
    assert isinstance(jobs_a, ManualJobs) and isinstance(jobs_b, ManualJobs)
    assert sorted(reminder_jobs(jobs_a)) == sorted(reminder_jobs(jobs_b))
    until = T0 + timedelta(days=8)
    await asyncio.gather(jobs_a.run_until(first_clock, until),
                         jobs_b.run_until(second_clock, until))
    # And every reminder fired again, from both, at once: nothing more goes out.
    await asyncio.gather(*(deliver(app.ctx, i) for i in range(1, 17)
                           for app in (first, second)))
    texts = sorted(d.text.splitlines()[1] for d in log)
    expected = sorted([f"{who} {m}" for who in ("me", "Amara", "Zoë", "Priya", "lab")
                       for m in (30, 60, 61)] + ["weekly", "weekly"])
    assert texts == expected  # each once (the weekly one on 4 and 11 January)
    statuses = {r.status for r in await rows(first) if r.repeat is None}
    assert statuses == {ReminderStatus.SENT}


async def _two_processes(settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"console": settings.console.model_copy(
        update={"files_dir": str(tmp_path)})})
    log: list[Delivery] = []
    clock_a, clock_b = SettableClock(T0), SettableClock(T0)
    first = await create_app(settings, clock=clock_a, jobs=ManualJobs(), migrate=True)
    second, _ = await second_process(settings, clock_b, "b", shared=log)
    try:
        await _two_processes_deliver_once(first, clock_a, second, clock_b, log)
    finally:
        await first.close()
        await second.close()


async def test_two_processes_sharing_one_sqlite_file_deliver_each_reminder_once(
    settings: Settings, tmp_path: Path
) -> None:
    await _two_processes(settings, tmp_path)


async def test_two_processes_sharing_one_postgresql_database_deliver_each_reminder_once(
    settings: Settings, pg_url: str, tmp_path: Path
) -> None:
    await _two_processes(settings.model_copy(update={"database_url": SecretStr(pg_url)}),
                         tmp_path)


async def test_missed_reminders_are_summarised_once_when_two_processes_start_together(
    app: App, lab: Console, settings: Settings, clock: SettableClock
) -> None:
    for n in range(3):
        await lab("Amara Okafor", f"/lab remind me in {n + 1} hours Thing {n}")
    await app.close()
    clock.advance(timedelta(hours=8))
    log: list[Delivery] = []
    one, _ = await second_process(settings, clock, "one", shared=log)
    two, _ = await second_process(settings, clock, "two", shared=log)
    try:
        await asyncio.gather(one.start(), two.start())
        await asyncio.gather(one.ctx.jobs.run_due(clock.now()),  # type: ignore[attr-defined]
                             two.ctx.jobs.run_due(clock.now()))  # type: ignore[attr-defined]
        assert [("3 reminders missed" in d.text, d.to) for d in log] == [(True, IDS[GEMMA])]
    finally:
        await one.close()
        await two.close()


# --- quiet hours ------------------------------------------------------------------------------


async def test_quiet_hours_hold_a_reminder_until_eight_in_the_members_zone(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    out = flat(await lab("Gemma Rhodes", "/lab remind Zoë tomorrow 09:00 Send the case studies"))
    # 09:00 in London is 06:00 in São Paulo.
    assert "falls in Zoë Núñez's quiet hours (21:00-08:00 in America/Sao_Paulo)" in out
    assert "wait until Tue 05 Jan 2027, 08:00 UTC-3 (America/Sao_Paulo)" in out
    await run(jobs, clock, timedelta(days=2))
    assert [d.at for d in recorder.to(IDS[ZOE])] == [utc(2027, 1, 5, 11, 0)]


async def test_quiet_hours_follow_a_zone_changed_after_the_reminder_was_set(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    await lab("Gemma Rhodes", "/lab remind Amara tomorrow 07:30 Call the funder")
    await lab("Amara Okafor", "/lab tz America/Los_Angeles")  # 07:30 UTC is 23:30 there
    await run(jobs, clock, timedelta(days=2))
    assert [d.at for d in recorder.to(IDS[AMARA])] == [utc(2027, 1, 5, 16, 0)]  # 08:00 PST


async def test_a_repeating_reminder_waits_for_the_morning_each_time(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    await lab("Zoë Núñez", "/lab remind me every day 07:00 Stretch")  # in São Paulo
    await run(jobs, clock, timedelta(days=3, hours=2))
    assert [d.at for d in recorder.to(IDS[ZOE])] == [
        utc(2027, 1, 5, 11, 0), utc(2027, 1, 6, 11, 0), utc(2027, 1, 7, 11, 0)]


# --- retries and failures ---------------------------------------------------------------------


async def test_a_refused_delivery_is_retried_with_backoff_then_failed_and_facilitators_told(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    recorder.refuse.add(IDS[AMARA])
    await lab("Priya Raman", "/lab remind Amara in 1 hour Send the draft")
    await run(jobs, clock, 2 * HOUR)
    due = T0 + HOUR
    assert [at for who, at in recorder.attempts if who == IDS[AMARA]] == [
        due, due + timedelta(seconds=30), due + timedelta(seconds=90),
        due + timedelta(seconds=210)]
    r = (await rows(app))[0]
    assert (r.status, r.attempts) == (ReminderStatus.FAILED, 4)
    assert r.last_error == "the platform said: user_not_found (tried 4 times)"
    told = recorder.to(IDS[GEMMA])
    assert len(told) == 1
    assert "A reminder could not be delivered" in told[0].text
    assert "To *Amara Okafor*" in told[0].text and "user_not_found" in told[0].text
    assert recorder.to(IDS[PRIYA]) == []  # only facilitators are told


async def test_a_retry_waits_as_long_as_the_platform_asks(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    recorder.fail_next, recorder.retry_after = 1, 300
    await lab("Priya Raman", "/lab remind me in 1 hour Send the draft")
    await run(jobs, clock, 2 * HOUR)
    assert [d.at for d in recorder.to(IDS[PRIYA])] == [T0 + HOUR + timedelta(seconds=300)]
    r = (await rows(app))[0]
    assert (r.status, r.attempts, r.late) == (ReminderStatus.SENT, 2, False)


# --- cancelling -------------------------------------------------------------------------------


async def test_a_cancelled_reminder_never_fires(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    await lab("Amara Okafor", "/lab remind me in 1 hour Water the plants")
    await lab.press("Amara Okafor", "Cancel it")
    assert reminder_jobs(jobs) == []
    clock.advance(2 * HOUR)
    assert await deliver(app.ctx, 1) == "gone"  # even if a timer somewhere still fires
    assert recorder.sent == []
    assert (await rows(app))[0].status is ReminderStatus.CANCELLED


async def test_a_reminder_for_someone_who_left_is_not_delivered(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    await lab("Gemma Rhodes", "/lab remind Amara in 1 hour Send the draft")
    await lab("Gemma Rhodes", "/lab remind Priya in 1 hour Send the draft")
    await lab("Gemma Rhodes", "/lab remind Zoë in 1 hour Send the draft")
    await lab("Amara Okafor", "/lab leave")  # publishes MemberLeft: cancelled at once
    assert reminder_jobs(jobs) == ["reminder:2", "reminder:3"]
    await emit(app, MemberLeft(lab_id=1, person_id=PRIYA))
    async with app.ctx.uow() as uow:  # a membership ended without the event (by hand)
        member = await uow.members.get(1, ZOE)
        assert member is not None
        member.active = False
        await uow.commit()
    await run(jobs, clock, 2 * HOUR)
    assert recorder.sent == []
    notes = [(r.status, r.note) for r in await rows(app)]
    assert notes == [
        (ReminderStatus.CANCELLED, "the member left the lab"),
        (ReminderStatus.CANCELLED, "the member left the lab"),
        # Checked again at delivery, whatever the events said.
        (ReminderStatus.CANCELLED, "the recipient is no longer a member of Action Lab 1"),
    ]


# --- repeating reminders and daylight saving --------------------------------------------------


async def test_a_weekly_reminder_keeps_its_wall_clock_time_across_the_spring_change(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    clock.set(utc(2027, 3, 15, 12, 0))
    await lab("Gemma Rhodes", "/lab remind me every sunday 09:00 Plan the week")
    await run(jobs, clock, timedelta(days=21))
    assert [d.at for d in recorder.to(IDS[GEMMA])] == [
        utc(2027, 3, 21, 9, 0), utc(2027, 3, 28, 8, 0), utc(2027, 4, 4, 8, 0)]  # 09:00 GMT, BST
    assert (await rows(app))[0].status is ReminderStatus.PENDING


async def test_a_weekly_time_apschedulers_cron_arithmetic_would_skip_is_still_delivered(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    """APScheduler 3.11's CronTrigger, stepping from 00:00 on Monday 8 March 2027 in New
    York, jumps to 22 March: it skips the Monday after the clocks go forward. The table's
    occurrence pins each next run, so nothing is skipped."""
    from bot.domain.reminders import Weekly
    from bot.scheduling import cron_trigger

    clock.set(utc(2027, 3, 1, 12, 0))
    await lab("Gemma Rhodes", "/lab tz America/New_York")
    await lab("Gemma Rhodes", "/lab remind lab every monday 00:00 Week starts")
    await run(jobs, clock, timedelta(days=22))
    assert [d.at for d in recorder.sent] == [
        utc(2027, 3, 8, 5, 0), utc(2027, 3, 15, 4, 0), utc(2027, 3, 22, 4, 0)]
    trigger = cron_trigger(Weekly(frozenset({0}), datetime.min.time(), "America/New_York"))
    stepped = trigger.get_next_fire_time(utc(2027, 3, 8, 5, 0), utc(2027, 3, 8, 5, 0, 1))
    assert stepped.astimezone(UTC) in (utc(2027, 3, 15, 4, 0), utc(2027, 3, 22, 4, 0))


@pytest.fixture
def made_up(app: App) -> Iterator[None]:
    """Meetings and action items this file makes up (only their events exist): their kinds
    describe any id they are given, so the reminders go out."""

    async def meeting(uow: UnitOfWork, meeting_id: int) -> SubjectInfo:
        return SubjectInfo(f"Meeting {meeting_id}")

    async def item(uow: UnitOfWork, item_id: int) -> SubjectInfo:
        return SubjectInfo(f"Item {item_id}")

    with app.ctx.router.subjects.swapped(SubjectKind("meeting", meeting)), \
            app.ctx.router.subjects.swapped(SubjectKind("action_item", item)):
        yield


# --- meetings ---------------------------------------------------------------------------------


@pytest.fixture
def meeting_kind(app: App) -> Iterator[list[tuple[int, int]]]:
    """A meeting feature as it will plug in: a title and an .ics for each member."""
    asked: list[tuple[int, int]] = []

    async def describe(uow: UnitOfWork, meeting_id: int) -> SubjectInfo | None:
        return SubjectInfo("Meeting 1: problem framing", lines=("Agenda: the five options",))

    async def attachments(uow: UnitOfWork, meeting_id: int, person_id: int, now: datetime
                          ) -> tuple[File, ...]:
        asked.append((meeting_id, person_id))
        return (File("meeting.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),)

    with app.ctx.router.subjects.swapped(SubjectKind("meeting", describe, attachments=attachments)):
        yield asked


async def test_members_get_meeting_reminders_in_their_own_time_with_the_ics(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder,
    meeting_kind: list[tuple[int, int]],
) -> None:
    start = utc(2027, 1, 5, 16, 45)  # 22:15 in Kolkata
    await emit(app, MeetingScheduled(lab_id=1, meeting_id=7, starts_at=start))
    await run(jobs, clock, timedelta(days=2))
    for person in (GEMMA, AMARA, ZOE):
        assert [d.at for d in recorder.to(IDS[person])] == [start - 24 * HOUR,
                                                           start - timedelta(minutes=15)]
    # Priya: the day-before reminder waits for her morning; the one at the start does not.
    assert [d.at for d in recorder.to(IDS[PRIYA])] == [utc(2027, 1, 5, 2, 30),
                                                      start - timedelta(minutes=15)]
    first = recorder.to(IDS[AMARA])[0]
    assert "Meeting soon: Meeting 1: problem framing" in first.text
    assert "Agenda: the five options" in first.text
    assert [f.name for f in first.files] == ["meeting.ics"]
    assert (7, AMARA) in meeting_kind


async def test_a_moved_meeting_moves_its_reminders_and_a_cancelled_one_sends_none(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder,
    made_up: None,
) -> None:
    await emit(app, MeetingScheduled(lab_id=1, meeting_id=7, starts_at=utc(2027, 1, 6, 14, 0)))
    await emit(app, MeetingMoved(lab_id=1, meeting_id=7, starts_at=utc(2027, 1, 7, 14, 0)))
    await emit(app, MeetingScheduled(lab_id=1, meeting_id=8, starts_at=utc(2027, 1, 8, 14, 0)))
    await emit(app, MeetingCancelled(lab_id=1, meeting_id=8))
    await run(jobs, clock, timedelta(days=5))
    assert sorted({d.at for d in recorder.sent}) == [utc(2027, 1, 6, 14, 0),
                                                     utc(2027, 1, 7, 13, 45)]
    assert len(recorder.sent) == 8  # four members, two reminders each
    assert "Meeting soon: Meeting 7" in recorder.sent[0].text


async def test_a_lab_chooses_its_own_meeting_reminders(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder,
    made_up: None,
) -> None:
    await emit(app, MeetingScheduled(lab_id=1, meeting_id=7, starts_at=utc(2027, 1, 6, 14, 0)))
    # The command re-plans the meetings the lab has: meeting 7 gets its row.
    async with app.ctx.uow() as uow:
        await uow.meetings.add(Meeting(
            id=7, lab_id=1, number=1, title="Meeting 7", starts_at=utc(2027, 1, 6, 14, 0),
            duration_minutes=60, status=MeetingStatus.SCHEDULED, uid="m7@actionlab",
            sequence=0, created_at=T0, updated_at=T0))
        await uow.commit()
    out = await lab("Gemma Rhodes", "/lab reminders meetings 2h 10m")
    assert "1 meeting already scheduled follows the new times" in out
    assert "2 hours before, 10 minutes before" in out
    await emit(app, MeetingScheduled(lab_id=1, meeting_id=8, starts_at=utc(2027, 1, 8, 14, 0)))
    await run(jobs, clock, timedelta(days=5))
    assert sorted({d.at for d in recorder.sent}) == [
        utc(2027, 1, 6, 12, 0), utc(2027, 1, 6, 13, 50), utc(2027, 1, 8, 12, 0),
        utc(2027, 1, 8, 13, 50)]
    out = await lab("Gemma Rhodes", "/lab reminders meetings off")
    assert "a direct message: none" in out


# --- poll and vote deadlines ------------------------------------------------------------------


class FakePolls:
    """A poll feature as it will plug in: who has not answered, and closing at the deadline."""

    def __init__(self) -> None:
        self.answered: set[int] = set()
        self.closed: list[int] = []

    async def describe(self, uow: UnitOfWork, poll_id: int) -> SubjectInfo | None:
        return SubjectInfo("When shall we meet?",
                           button=Button("Answer the poll", f"al1:poll.open:{poll_id}"))

    async def pending(self, uow: UnitOfWork, poll_id: int) -> set[int]:
        members = await uow.members.active(1)
        return {m.person_id for m in members} - self.answered

    async def close(self, ctx: Any, uow: UnitOfWork, poll_id: int, now: datetime) -> None:
        self.closed.append(poll_id)
        await publish(ctx, uow, now, PollClosed(lab_id=1, poll_id=poll_id,
                                                title="When shall we meet?",
                                                outcome="Best slot: Tue 12 Jan 14:00 UTC"))


@pytest.fixture
def polls(app: App) -> Iterator[FakePolls]:
    fake = FakePolls()
    kind = SubjectKind("poll", fake.describe, fake.pending, fake.close)
    with app.ctx.router.subjects.swapped(kind):
        yield fake


async def test_a_deadline_nudges_only_those_who_have_not_answered_then_closes_the_poll(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder,
    polls: FakePolls,
) -> None:
    closes = utc(2027, 1, 7, 17, 0)
    await emit(app, PollOpened(lab_id=1, poll_id=3, closes_at=closes))
    polls.answered |= {AMARA, GEMMA}
    await run(jobs, clock, timedelta(days=3, hours=2))  # past the nudges, before the close
    nudged = {d.to for d in recorder.sent}
    assert nudged == {IDS[ZOE], IDS[PRIYA]}
    nudge = recorder.to(IDS[ZOE])[0]
    assert "You have not answered the poll *When shall we meet?* yet" in nudge.text
    assert nudge.at == closes - 24 * HOUR
    # 24 hours before is 22:30 in Kolkata: Priya's nudge waits for her morning.
    assert recorder.to(IDS[PRIYA])[0].at == utc(2027, 1, 7, 2, 30)
    assert [b.label for b in nudge.card.controls()[0].buttons] == ["Answer the poll"]  # type: ignore[union-attr]
    answered = {r.recipient_id: (r.status, r.note) for r in await rows(app)
                if r.kind is ReminderKind.NUDGE}
    assert answered[AMARA] == (ReminderStatus.CANCELLED, "answered before the nudge")
    assert polls.closed == []
    await run(jobs, clock, timedelta(days=1))
    assert polls.closed == [3]  # once, at the deadline
    assert await deliver(app.ctx, 1) == "gone"
    assert polls.closed == [3]


async def test_a_poll_closed_early_or_deleted_cancels_its_nudges_and_its_close(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder,
    polls: FakePolls,
) -> None:
    await emit(app, PollOpened(lab_id=1, poll_id=3, closes_at=utc(2027, 1, 7, 17, 0)))
    await emit(app, PollClosed(lab_id=1, poll_id=3, title="t", outcome="o"))
    await emit(app, PollOpened(lab_id=1, poll_id=4, closes_at=utc(2027, 1, 7, 17, 0)))
    await emit(app, PollDeleted(lab_id=1, poll_id=4))
    await emit(app, VoteOpened(lab_id=1, vote_id=5, closes_at=utc(2027, 1, 7, 17, 0)))
    await emit(app, VoteDeleted(lab_id=1, vote_id=5))
    assert reminder_jobs(jobs) == []
    await run(jobs, clock, timedelta(days=5))
    assert recorder.sent == [] and polls.closed == []
    assert {r.status for r in await rows(app)} == {ReminderStatus.CANCELLED}


async def test_a_deadline_nobody_plugged_in_fails_once_and_says_why(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    async def describe(uow: UnitOfWork, vote_id: int) -> SubjectInfo:
        return SubjectInfo(f"Vote {vote_id}")

    with app.ctx.router.subjects.swapped(SubjectKind("vote", describe)):  # no pending, no close
        await emit(app, VoteOpened(lab_id=1, vote_id=5, closes_at=utc(2027, 1, 7, 17, 0)))
        await run(jobs, clock, timedelta(days=5))
    by_kind = {(r.kind, r.recipient_id): r for r in await rows(app)}
    close = by_kind[(ReminderKind.CLOSE, None)]
    assert (close.status, close.attempts) == (ReminderStatus.FAILED, 1)
    assert "nothing is registered to close for a vote" in (close.last_error or "")
    nudge = by_kind[(ReminderKind.NUDGE, AMARA)]
    assert nudge.status is ReminderStatus.FAILED and nudge.attempts == 1
    assert not any(d.to == IDS[AMARA] for d in recorder.sent)
    # Facilitators hear about the vote that did not close, not about each nudge.
    told = recorder.to(IDS[GEMMA])
    assert len(told) == 1 and "closing vote #5 at its deadline" in told[0].text


# --- action items -----------------------------------------------------------------------------


async def test_action_item_owners_are_reminded_at_nine_their_time(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder,
    made_up: None,
) -> None:
    await emit(app, ActionItemCreated(lab_id=1, item_id=9, owner_id=AMARA,
                                      due=date(2027, 1, 12), text="Draft the terms"))
    await emit(app, ActionItemCreated(lab_id=1, item_id=10, owner_id=PRIYA,
                                      due=date(2027, 1, 8), text="Book the room"))
    await emit(app, ActionItemUpdated(lab_id=1, item_id=10, owner_id=ZOE,
                                      due=date(2027, 1, 9), text="Book the room"))
    await emit(app, ActionItemCreated(lab_id=1, item_id=11, owner_id=GEMMA,
                                      due=date(2027, 1, 6), text="Dropped"))
    await emit(app, ActionItemClosed(lab_id=1, item_id=11))
    await run(jobs, clock, timedelta(days=10))
    assert [d.at for d in recorder.to(IDS[AMARA])] == [utc(2027, 1, 11, 8, 0),
                                                      utc(2027, 1, 12, 8, 0)]
    assert [d.at for d in recorder.to(IDS[ZOE])] == [utc(2027, 1, 8, 12, 0),
                                                    utc(2027, 1, 9, 12, 0)]
    assert recorder.to(IDS[PRIYA]) == [] and recorder.to(IDS[GEMMA]) == []
    day_before, on_the_day = recorder.to(IDS[AMARA])
    assert "Action item due tomorrow" in day_before.text and "Item 9" in day_before.text
    assert "Action item due today" in on_the_day.text


async def test_action_item_reminders_across_the_spring_change(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder,
    made_up: None,
) -> None:
    clock.set(utc(2027, 3, 20, 12, 0))
    await emit(app, ActionItemCreated(lab_id=1, item_id=9, owner_id=GEMMA,
                                      due=date(2027, 3, 28), text="Send the minutes"))
    await run(jobs, clock, timedelta(days=10))
    assert [d.at for d in recorder.to(IDS[GEMMA])] == [
        utc(2027, 3, 27, 9, 0), utc(2027, 3, 28, 8, 0)]  # 09:00 GMT, then 09:00 BST


async def test_rebuild_from_many_rows_arms_in_time_order(
    app: App, lab: Console, settings: Settings, clock: SettableClock
) -> None:
    async with app.ctx.uow() as uow:
        for n in range(200):
            due = T0 + timedelta(minutes=(n * 37) % 500 + 5)
            await uow.reminders.add(Reminder(
                lab_id=1, kind=ReminderKind.CUSTOM, recipient_id=AMARA, text=f"n{n}",
                due_at=due, next_at=due, status=ReminderStatus.PENDING, created_at=T0))
        await uow.session.execute(update(Reminder).where(Reminder.id > 150)
                                  .values(status=ReminderStatus.CANCELLED))
        await uow.commit()
    back, recorder = await second_process(settings, clock)
    try:
        await back.start()
        assert len(reminder_jobs(back.ctx.jobs)) == 150  # type: ignore[arg-type]
        await back.ctx.jobs.run_until(clock, T0 + timedelta(hours=9))  # type: ignore[attr-defined]
        times = [d.at for d in recorder.sent]
        assert len(times) == 150 and times == sorted(times)
    finally:
        await back.close()




async def test_a_timer_for_a_moment_that_moved_sets_one_for_the_new_moment(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock, recorder: Recorder
) -> None:
    """Another process held a reminder back (quiet hours); this one's timer, firing at the
    old moment, finds it not yet due and arms itself for the new one."""
    await lab("Gemma Rhodes", "/lab remind Amara in 1 hour Send the draft")
    async with app.ctx.uow() as uow:
        assert await uow.reminders.defer(1, T0 + HOUR, T0 + 3 * HOUR)
        await uow.commit()
    clock.advance(HOUR)
    assert await deliver(app.ctx, 1) == "not due"
    assert jobs.jobs["reminder:1"][0] == T0 + 3 * HOUR
    await run(jobs, clock, 3 * HOUR)
    assert [d.at for d in recorder.to(IDS[AMARA])] == [T0 + 3 * HOUR]


# --- the command's other name ---------------------------------------------------------------


def test_an_alias_names_a_command_where_people_type_but_is_not_a_command_itself() -> None:
    """`/lab remind` is typed; `/lab reminders add` is the command a command tree shows."""
    from bot.bootstrap import build_router

    router = build_router()
    assert "remind" not in router.commands and router.aliases["remind"] == "reminders add"
    spec, rest = router.resolve("remind me tomorrow 10:00 Call Amara")
    assert (spec.name, rest) == ("reminders add", "me tomorrow 10:00 Call Amara")
    assert router.resolve("reminders")[0].name == "reminders"
    assert router.resolve("reminders meetings 1h")[0].name == "reminders meetings"
    assert router.resolve("reminders add lab friday x")[1] == "lab friday x"
    other = Router()
    other.command("remind", summary="clashes")(feature.remind)
    with pytest.raises(ValueError, match="registered twice"):
        router.include(other)
    clashing = Router()
    with pytest.raises(ValueError, match="names another command"):
        clashing.command("x", summary="x")(feature.remind)
        clashing.command("y", summary="y", aliases=("x",))(feature.remind)
