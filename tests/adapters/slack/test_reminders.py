"""Reminders on Slack, end to end, on the app's injected clock and hand-run timers: a DM
through conversations.open when a timer fires, a meeting reminder with its .ics, and Slack's
`ratelimited` answered by the reminders' own retry policy."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.domain.reminders import ReminderKind, ReminderStatus
from bot.features.reminders import deliver
from bot.scheduling import ManualJobs
from storage.models import Reminder
from tests.adapters.slack.blockkit import (
    AGO,
    LONG,
    SHORT,
    actions,
    blocks_of,
    button,
    context,
    date,
    header,
    section,
    utc,
)
from tests.adapters.slack.conftest import Slack

T0 = utc(2027, 1, 4, 10)  # the tests' clock
DUE = T0 + timedelta(hours=2)


async def reminder(app: App, reminder_id: int = 1) -> Reminder:
    async with app.ctx.uow() as uow:
        found = await uow.reminders.get(reminder_id)
        assert found is not None
        return found


def delivered(fake_calls: list, channel: str) -> list:
    return [c for c in fake_calls if c.method == "chat.postMessage" and
            c.args["channel"] == channel]


async def test_a_reminder_comes_by_direct_message_when_its_timer_fires(
    lab: Slack, slack_app: App, clock: SettableClock, jobs: ManualJobs,
) -> None:
    await lab.command("UAMARA", "remind me in 2 hours Send the agenda")
    confirmation = lab.fake.last("response_url")
    assert confirmation.args["response_type"] == "ephemeral"
    assert blocks_of(confirmation) == [
        section(f"I will remind you {date(DUE, LONG, 'Mon 04 Jan 2027, 12:00 UTC')} "
                f"({date(DUE, AGO, 'Mon 04 Jan 2027, 12:00 UTC')}):\n“Send the agenda”"),
        actions(button("Cancel it", "al1:reminder.cancel:1:c", "danger")),
    ]
    assert jobs.pending() == ["reminder:1"]
    lab.fake.clear()
    await jobs.run_until(clock, DUE - timedelta(minutes=1))
    assert lab.fake.calls == []  # not a minute early
    await jobs.run_until(clock, DUE)
    assert lab.fake.methods() == ["conversations.open", "chat.postMessage", "chat.getPermalink"]
    assert lab.fake.last("conversations.open").args == {"users": "UAMARA"}
    sent = lab.fake.last("chat.postMessage")
    assert (sent.args["channel"], sent.args["text"]) == ("DUAMARA", "Reminder: Send the agenda")
    assert blocks_of(sent) == [
        header("Reminder"),
        section("Send the agenda"),
        context(f"You set this on {date(T0, SHORT, 'Mon 04 Jan 2027, 10:00 UTC')} · "
                "Action Lab 1"),
    ]
    row = await reminder(slack_app)
    assert (row.status, row.sent_at, row.attempts) == (ReminderStatus.SENT, DUE, 1)
    # The timer firing again (a double fire, or a second process) delivers nothing more.
    assert await deliver(slack_app.ctx, 1) == "gone"
    assert len(lab.fake.of("chat.postMessage")) == 1


async def test_a_meeting_reminder_brings_the_invite(
    lab: Slack, slack_app: App, clock: SettableClock, jobs: ManualJobs,
) -> None:
    await lab.command("UGEMMA", "poll new Meeting 1 2027-01-11..2027-01-12 window 13:00-15:00")
    await lab.command("UGEMMA", "poll pick 1 2")  # Mon 11 Jan 2027, 14:00 London (= UTC)
    starts = utc(2027, 1, 11, 14)
    lab.fake.clear()
    await jobs.run_until(clock, starts - timedelta(hours=24))
    calls = list(lab.fake.calls)
    for user in ("UGEMMA", "UAMARA", "UZOE"):
        (sent,) = delivered(calls, f"D{user}")
        assert sent.args["text"] == "Meeting 1 starts soon"
        assert blocks_of(sent) == [
            header("Meeting soon: Meeting 1"),
            section(f"It starts {date(starts, LONG, 'Mon 11 Jan 2027, 14:00 UTC')} "
                    f"({date(starts, AGO, 'Mon 11 Jan 2027, 14:00 UTC')})."),
            section("60 minutes. The calendar invite (.ics) is attached; `/lab meetings` lists "
                    "the lab's meetings."),
            context("Action Lab 1"),
        ]
        # The invite follows the message into the same direct messages.
        share = next(c for c in calls[calls.index(sent):]
                     if c.method == "files.completeUploadExternal")
        assert share.args["channel_id"] == f"D{user}"
        ics = lab.fake.uploads[json.loads(share.args["files"])[0]["id"]].decode()
        assert "METHOD:REQUEST" in ics and "DTSTART:20270111T140000Z" in ics
    assert [c.args["users"] for c in lab.fake.of("conversations.open")] == [
        "UGEMMA", "UAMARA", "UZOE"]
    assert [c.args["channel"] for c in lab.fake.of("chat.postMessage")] == [
        "DUGEMMA", "DUAMARA", "DUZOE"]  # nothing in the channel
    async with slack_app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(Reminder).where(
            Reminder.kind == ReminderKind.MEETING).order_by(Reminder.due_at))).all()
    assert [r.status for r in rows] == [ReminderStatus.SENT] * 3 + [ReminderStatus.PENDING] * 3


async def test_slack_rate_limiting_a_reminder_is_retried_by_the_reminder_policy(
    lab: Slack, slack_app: App, clock: SettableClock, jobs: ManualJobs,
) -> None:
    await lab.command("UAMARA", "remind me in 2 hours Send the agenda")
    lab.fake.clear()
    # Longer than the adapter waits in place (2 s in these tests): handed to the reminders.
    lab.fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "120"})
    await jobs.run_until(clock, DUE)
    assert len(lab.fake.of("chat.postMessage")) == 1
    row = await reminder(slack_app)
    # retry_backoff is 30s, doubled each time; Slack's Retry-After wins when it is longer.
    assert (row.status, row.attempts, row.last_error, row.next_at) == (
        ReminderStatus.PENDING, 1, "ratelimited", DUE + timedelta(seconds=120))
    assert jobs.jobs["reminder:1"][0] == DUE + timedelta(seconds=120)
    # Refused again with a shorter wait: the policy's doubled backoff (60 s) applies.
    lab.fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "45"})
    await jobs.run_until(clock, DUE + timedelta(seconds=120))
    row = await reminder(slack_app)
    assert (row.status, row.attempts, row.next_at) == (
        ReminderStatus.PENDING, 2, DUE + timedelta(seconds=180))
    await jobs.run_until(clock, DUE + timedelta(minutes=10))
    posts = lab.fake.of("chat.postMessage")
    assert len(posts) == 3 and {p.args["channel"] for p in posts} == {"DUAMARA"}
    row = await reminder(slack_app)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == (
        ReminderStatus.SENT, 3, DUE + timedelta(seconds=180), None)
    assert jobs.pending() == []


async def test_an_invite_slack_refuses_after_the_message_went_out_does_not_send_it_twice(
    lab: Slack, slack_app: App, clock: SettableClock, jobs: ManualJobs,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await lab.command("UGEMMA", "poll new Meeting 1 2027-01-11..2027-01-12 window 13:00-15:00")
    await lab.command("UGEMMA", "poll pick 1 2")
    lab.fake.clear()
    lab.fake.fail("files.completeUploadExternal", "internal_error")
    with caplog.at_level(logging.WARNING):
        await jobs.run_until(clock, utc(2027, 1, 10, 14, 5))  # past any retry
    assert [c.args["channel"] for c in lab.fake.of("chat.postMessage")] == [
        "DUGEMMA", "DUAMARA", "DUZOE"]  # each once: the first only lost its invite
    assert "could not attach meeting-1.ics: internal_error" in caplog.text
    async with slack_app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(Reminder).where(
            Reminder.kind == ReminderKind.MEETING, Reminder.status == ReminderStatus.SENT))).all()
    assert len(rows) == 3
