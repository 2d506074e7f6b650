"""Reminders on Discord, end to end: the real discord.py client and the real reminders
feature against the fake Discord, with the injected clock and hand-run timers (ManualJobs).
A reminder arrives as a direct message when its timer fires; a meeting reminder carries the
calendar invite; a 429 on the direct message is retried when the reminders policy says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.domain.reminders import ReminderStatus, retry_delay
from bot.scheduling import ManualJobs
from fakes import discord_payloads as p
from fakes.discord_api import CHANNEL_ID, Recorded
from storage.models import Reminder
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.helpers import (
    body,
    controls,
    dm_path,
    file_names,
    lab,
    person_id,
    private,
    text_of,
    title,
)
from tests.conftest import T0


def dms(bot: Bot, who: tuple[int, str], start: int = 0) -> list[Recorded]:
    return [r for r in bot.fake.requests[start:] if r.method == "POST"
            and r.path == dm_path(who)]


async def reminders_of(app: App, who: tuple[int, str]) -> list[Reminder]:
    pid = await person_id(app, who)
    async with app.ctx.uow() as uow:
        found = await uow.session.scalars(
            select(Reminder).where(Reminder.recipient_id == pid).order_by(Reminder.id))
        return list(found.all())


async def test_a_reminder_arrives_by_direct_message_when_its_timer_fires(
    bot: Bot, app: App, clock: SettableClock, jobs: ManualJobs
) -> None:
    await lab(bot)
    rec = await bot.send(p.slash(p.AMARA, "reminders", "add", who="me",
                                 request="in 2 hours Send the agenda"))
    assert private(rec)
    due = T0 + timedelta(hours=2)
    assert f"I will remind you <t:{int(due.timestamp())}:F>" in text_of(rec)
    assert [c["label"] for c in controls(body(rec))] == ["Cancel it"]
    await jobs.run_until(clock, due - timedelta(minutes=1))
    assert dms(bot, p.AMARA) == []  # not before its time
    await jobs.run_until(clock, due)
    (sent,) = dms(bot, p.AMARA)
    assert sent.json["content"] == "Reminder: Send the agenda"  # what the notification shows
    assert title(sent) == "Reminder" and "Send the agenda" in text_of(sent)
    (reminder,) = await reminders_of(app, p.AMARA)
    assert reminder.status is ReminderStatus.SENT and reminder.sent_at == due


async def test_a_meeting_reminder_carries_the_invite(
    bot: Bot, app: App, clock: SettableClock, jobs: ManualJobs
) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "poll", "new", title="Meeting 1",
                           dates="2027-01-11..2027-01-12"))
    await bot.send(p.slash(p.GEMMA, "poll", "pick", poll="1", slot="3"))
    starts = datetime(2027, 1, 11, 11, 0, tzinfo=UTC)
    start = len(bot.fake.requests)
    await jobs.run_until(clock, starts - timedelta(hours=24))
    for who in (p.GEMMA, p.AMARA, p.ZOE):
        (sent,) = dms(bot, who, start)
        assert title(sent).startswith("Meeting soon: ") and "Meeting 1" in title(sent)
        assert f"It starts <t:{int(starts.timestamp())}:F> (<t:{int(starts.timestamp())}:R>)" \
            in text_of(sent)
        assert file_names(sent) == ["meeting-1.ics"]
        ics = dict(sent.files)["meeting-1.ics"].decode()
        assert "METHOD:REQUEST" in ics and "DTSTART:20270111T110000Z" in ics
        assert body(sent)["attachments"][0]["description"] == "Calendar invite for Meeting 1"
    # ... and again a quarter of an hour before.
    start = len(bot.fake.requests)
    await jobs.run_until(clock, starts - timedelta(minutes=15))
    assert all(len(dms(bot, who, start)) == 1 for who in (p.GEMMA, p.AMARA, p.ZOE))


async def test_a_rate_limited_direct_message_is_retried_when_discord_says(
    bot: Bot, app: App, clock: SettableClock, jobs: ManualJobs
) -> None:
    await lab(bot)
    await bot.send(p.slash(p.AMARA, "reminders", "add", who="me",
                           request="in 2 hours Send the agenda"))
    due = T0 + timedelta(hours=2)
    # Discord asks for two minutes: longer than discord.py waits by itself (30 s), so the
    # messenger hands it back and the reminders feature schedules the retry.
    bot.fake.fail("POST", rf"^{dm_path(p.AMARA)}$", 429, retry_after=120.0)
    await jobs.run_until(clock, due)
    assert len(dms(bot, p.AMARA)) == 1  # refused with a 429
    (reminder,) = await reminders_of(app, p.AMARA)
    assert reminder.status is ReminderStatus.PENDING and reminder.attempts == 1
    settings = app.ctx.settings.reminders
    wait = retry_delay(1, timedelta(seconds=30), 120.0)
    assert settings.retry_backoff == "30s" and wait == timedelta(seconds=120)
    assert reminder.next_at == due + wait
    assert "rate limiting" in (reminder.last_error or "")
    await jobs.run_until(clock, due + wait - timedelta(seconds=1))
    assert len(dms(bot, p.AMARA)) == 1  # Discord's wait is respected
    await jobs.run_until(clock, due + wait)
    _, delivered = dms(bot, p.AMARA)
    assert delivered.json["content"] == "Reminder: Send the agenda"
    (reminder,) = await reminders_of(app, p.AMARA)
    assert reminder.status is ReminderStatus.SENT and reminder.attempts == 2  # tries


async def test_a_poll_nudge_by_direct_message_opens_the_answer_card_there(
    bot: Bot, app: App, clock: SettableClock, jobs: ManualJobs
) -> None:
    await lab(bot)
    await bot.send(p.slash(p.GEMMA, "poll", "new", title="Meeting 1",
                           dates="2027-01-11..2027-01-12"))
    await bot.send(p.slash(p.GEMMA, "poll", "answer", poll="1", slots="all", answer="yes"))
    closes = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)  # a day before the first slot
    start = len(bot.fake.requests)
    await jobs.run_until(clock, closes - timedelta(hours=24))
    assert dms(bot, p.GEMMA, start) == []  # she has answered
    assert dms(bot, p.ZOE, start) == []  # 06:00 in São Paulo: quiet hours
    (nudge,) = dms(bot, p.AMARA, start)
    assert title(nudge) == "Your answer is needed: Poll #1: Meeting 1"
    assert f"<t:{int(closes.timestamp())}:F>" in text_of(nudge)
    message = next(m for m in bot.fake.messages.values()
                   if m["channel_id"] == str(p.AMARA[0] + 1))
    button = p.find_control(message, "Answer the poll")
    # The button works in the direct message: the answer card opens there.
    press = p.component(p.AMARA, message, button["custom_id"], guild=False)
    rec = await bot.send(press)
    assert title(rec) == "Poll #1: Meeting 1 · Mon 11 Jan"
    for day in (1, 2):
        card = bot.message(press)
        rec = await bot.send(p.component(p.AMARA, card, f"al1:poll.all:1:{day}:yes",
                                         guild=False))
        assert "You have answered" in text_of(rec)
        if day == 1:
            nxt = p.find_control(bot.message(press), "Next day")
            await bot.send(p.component(p.AMARA, bot.message(press), nxt["custom_id"],
                                       guild=False))
    assert "You have answered 18 of 18" in text_of(bot.message(press))
    # Zoë's nudge waited for her morning (08:00 São Paulo, 11:00 UTC).
    start = len(bot.fake.requests)
    await jobs.run_until(clock, datetime(2027, 1, 9, 11, 0, tzinfo=UTC))
    (nudge,) = dms(bot, p.ZOE, start)
    assert title(nudge) == "Your answer is needed: Poll #1: Meeting 1"
    # At the deadline the poll closes by itself and the lab is told in its channel.
    start = len(bot.fake.requests)
    await jobs.run_until(clock, closes)
    closed = await bot.fake.wait_for(
        lambda r: r.method == "POST" and r.path == f"channels/{CHANNEL_ID}/messages",
        start=start)
    assert "Poll #1 closed: Meeting 1" in text_of(closed)
