"""`/lab remind` and `/lab reminders` through the console, as people would type them, and the
reminders arriving on the accelerated clock, each shown in its reader's own zone."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.messages import Action
from bot.scheduling import ManualJobs
from storage.models import AuditEntry, Reminder, ReminderStatus
from tests.conftest import Console


def flat(out: str) -> str:
    """Console output with its line wrapping undone."""
    return re.sub(r"\s*\n\s*(· )?", " ", out)


async def advance(lab: Console, jobs: ManualJobs, clock: SettableClock,
                  delta: timedelta) -> str:
    """Move the clock, firing the timers on the way; what the console printed meanwhile."""
    start = lab.buffer.tell()
    await jobs.run_until(clock, clock.now() + delta)
    return lab.buffer.getvalue()[start:]


async def count(app: App, model: type[Reminder] | type[AuditEntry]) -> int:
    async with app.ctx.uow() as uow:
        return int(await uow.session.scalar(select(func.count(model.id))) or 0)


async def test_remind_me_confirms_privately_then_arrives_on_time(
    lab: Console, jobs: ManualJobs, clock: SettableClock
) -> None:
    out = flat(await lab("Amara Okafor", "/lab remind me in 2 hours Send the agenda"))
    assert "only Amara Okafor sees this" in out
    assert "I will remind you Mon 04 Jan 2027, 13:00 WAT (Africa/Lagos) (in 2 hours): " \
           "“Send the agenda”" in out
    assert "[5] Cancel it" in out or "Cancel it" in out
    quiet = await advance(lab, jobs, clock, timedelta(hours=1, minutes=59))
    assert quiet == ""
    out = flat(await advance(lab, jobs, clock, timedelta(minutes=1)))
    assert "direct message · actionlab → Amara Okafor (direct message)" in out
    assert "== Reminder == Send the agenda" in out
    assert "You set this on 04 Jan 2027 11:00 WAT · Action Lab 1" in out


async def test_a_member_is_reminded_at_the_time_the_author_meant_shown_in_theirs(
    lab: Console, jobs: ManualJobs, clock: SettableClock
) -> None:
    out = flat(await lab("Gemma Rhodes", "/lab remind Priya tomorrow 10:00 Review the brief"))
    assert "I will remind *Priya Raman* Tue 05 Jan 2027, 10:00 GMT (Europe/London)" in out
    assert "That is Tue 05 Jan 2027, 15:30 IST (Asia/Kolkata) for Priya Raman." in out
    out = flat(await advance(lab, jobs, clock, timedelta(days=1)))
    assert "actionlab → Priya Raman (direct message)" in out
    assert "Review the brief" in out
    assert "From Gemma Rhodes on 04 Jan 2027 15:30 IST · Action Lab 1" in out


async def test_members_are_named_by_full_name_quotes_first_name_or_mention(
    lab: Console, app: App
) -> None:
    for who in ("Priya Raman", '"Priya Raman"', "priya", "<@priya-raman>"):
        out = flat(await lab("Gemma Rhodes", f"/lab remind {who} friday 9am Bring the data"))
        assert "I will remind *Priya Raman* Fri 08 Jan 2027, 09:00 GMT" in out
        assert "“Bring the data”" in out
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(Reminder))).all()
    assert {(r.recipient_id, r.text) for r in rows} == {(4, "Bring the data")}


async def test_a_time_the_clocks_skip_is_read_forward_and_said_in_sentences(
    lab: Console,
) -> None:
    out = flat(await lab("Gemma Rhodes", "/lab remind me 2027-03-28 01:30 Clocks change"))
    assert "I will remind you Sun 28 Mar 2027, 02:30 BST (Europe/London)" in out
    assert ("01:30 does not exist on Sun 28 Mar 2027 in Europe/London (the clocks go "
            "forward), so I used 02:30 BST. That falls in your quiet hours (21:00-08:00 in "
            "Europe/London), so it will wait until Sun 28 Mar 2027, 08:00 BST "
            "(Europe/London).") in out


async def test_remind_lab_posts_in_the_channel(
    lab: Console, jobs: ManualJobs, clock: SettableClock
) -> None:
    out = flat(await lab("Zoë Núñez", "/lab remind lab in 30 minutes Break is over"))
    assert "I will post in the lab's channel Mon 04 Jan 2027, 07:30 UTC-3" in out
    out = flat(await advance(lab, jobs, clock, timedelta(minutes=30)))
    assert "#lab · actionlab == Reminder for Action Lab 1 == Break is over" in out
    assert "From Zoë Núñez" in out


async def test_repeating_reminders_confirm_the_rule_and_the_first_time(lab: Console) -> None:
    out = flat(await lab("Gemma Rhodes", "/lab remind me every monday 09:00 Check my items"))
    assert "I will remind you every Monday at 09:00 (Europe/London); the first is Mon 11 Jan " \
           "2027, 09:00 GMT (Europe/London): “Check my items”" in out


async def test_bad_requests_say_what_to_do_and_change_nothing(lab: Console, app: App) -> None:
    audit = await count(app, AuditEntry)
    cases = {
        "/lab remind Bob tomorrow 10:00 Call": "No member of Action Lab 1 is called `Bob`. "
                                               "Members: Gemma Rhodes, Amara Okafor",
        "/lab remind me tomorow 10:00 Call": "I could not read a time at the start of "
                                             "`tomorow 10:00 Call`. Did you mean `tomorrow`?",
        "/lab remind me friday 25:00 Call": "I read `friday` (Fri 08 Jan 2027), but `25:00` is "
                                            "not a time of day",
        "/lab remind me 2026-12-01 10:00 Call": "`2026-12-01 10:00` is in the past: I read it "
                                                "as Tue 01 Dec 2026, 10:00 GMT",
        "/lab remind me tomorrow": "I read the time (`tomorrow`: Tue 05 Jan 2027, 09:00 GMT "
                                   "(Europe/London)), but not what to remind of",
        "/lab remind tomorrow 10:00 Call": "Say who to remind first: `me`, `lab` or a member's "
                                           "name",
        "/lab remind me every 2 hours Drink": "not every few hours or minutes",
        "/lab remind me in 2 fortnights Call": "`fortnights` is not a unit I know",
    }
    for line, says in cases.items():
        out = flat(await lab("Gemma Rhodes", line))
        assert "only Gemma Rhodes sees this" in out, line
        assert says in out, (line, out)
        if "member" not in says and "Say who" not in says:
            assert "Examples: `in 2 hours`, `tomorrow 10:00`" in out or "remind of" in out
    out = flat(await lab("Gemma Rhodes", "/lab remind me"))
    assert "Missing <when> <text>." in out and "/lab remind me|lab|<member> <when> <text>" in out
    out = flat(await lab("Gemma Rhodes", "/lab remind me tomorrow " + "x" * 1001))
    assert "That reminder is 1001 characters long" in out
    out = flat(await lab("Stranger", "/lab remind me tomorrow Call"))
    assert "You are not a member of the lab here yet" in out
    assert await count(app, Reminder) == 0
    assert await count(app, AuditEntry) == audit


async def test_reminders_lists_mine_with_cancel_buttons_and_pages(
    lab: Console, app: App, jobs: ManualJobs, clock: SettableClock
) -> None:
    out = flat(await lab("Amara Okafor", "/lab reminders"))
    assert "Nothing is waiting. Set a reminder with `/lab remind me" in out
    for n in range(1, 6):
        await lab("Amara Okafor", f"/lab remind me in {n} hours Item {n}")
    await lab("Gemma Rhodes", "/lab remind Amara friday 9am From Gemma")
    await lab("Gemma Rhodes", "/lab remind me friday 9am Not Amara's")
    out = flat(await lab("Amara Okafor", "/lab reminders"))
    assert "== Your reminders in Action Lab 1 ==" in out
    assert "*1.* 04 Jan 2027 12:00 WAT — “Item 1” _to you_" in out
    assert "Cancel 1" in out and "Cancel 4" in out and "Item 5" not in out
    assert "Page 1 of 2 · 6 reminders" in out and "Next ▶" in out
    out = flat(await lab.press("Amara Okafor", "Next"))
    assert "Item 5" in out and "“From Gemma” _to you · set by Gemma Rhodes_" in out
    assert "Not Amara's" not in out
    out = flat(await lab.press("Amara Okafor", "Cancel 6"))  # Gemma's reminder, to her
    assert "Cancelled: “From Gemma”. It will not be sent." in out
    assert "replaces" in out
    assert "reminder:6" not in jobs.pending()
    out = flat(await lab("Amara Okafor", "/lab reminders"))
    assert "From Gemma" not in out and "Page 1 of 2 · 5 reminders" in out
    fired = flat(await advance(lab, jobs, clock, timedelta(days=5)))
    assert "From Gemma" not in fired and fired.count("→ Amara Okafor") == 5


async def test_only_the_author_the_recipient_or_a_facilitator_may_cancel(
    lab: Console, app: App
) -> None:
    await lab("Amara Okafor", "/lab remind Priya friday 9am Bring the data")
    zoe = lab.adapter._actor("Zoë Núñez")
    reply = await app.ctx.router.dispatch(app.ctx, Action(zoe, lab.adapter.place,
                                                          "al1:reminder.cancel:1:m1"))
    assert reply.text is not None and "Only whoever set a reminder" in reply.text
    gemma = lab.adapter._actor("Gemma Rhodes")
    reply = await app.ctx.router.dispatch(app.ctx, Action(gemma, lab.adapter.place,
                                                          "al1:reminder.cancel:1:l1"))
    assert reply.card is not None and "Cancelled" in str(reply.card)
    reply = await app.ctx.router.dispatch(app.ctx, Action(gemma, lab.adapter.place,
                                                          "al1:reminder.cancel:1:l1"))
    assert reply.text is not None and "already cancelled" in reply.text
    async with app.ctx.uow() as uow:
        r = await uow.reminders.get(1)
    assert r is not None and r.status is ReminderStatus.CANCELLED
    assert r.note == "cancelled by Gemma Rhodes"


async def test_the_labs_reminders_and_recent_problems_are_for_facilitators(
    lab: Console, app: App, jobs: ManualJobs, clock: SettableClock
) -> None:
    out = flat(await lab("Amara Okafor", "/lab reminders lab"))
    assert "Only facilitators can see all of the lab's reminders" in out
    await lab("Amara Okafor", "/lab remind Priya friday 9am Bring the data")
    await lab("Zoë Núñez", "/lab remind me in 1 hour Stretch")
    clock.advance(timedelta(hours=3))  # the timer comes too late: missed
    told = flat(await advance(lab, jobs, clock, timedelta()))
    assert "actionlab → Gemma Rhodes (direct message) == 1 reminder missed ==" in told
    out = flat(await lab("Gemma Rhodes", "/lab reminders lab"))
    assert "== Reminders of Action Lab 1 ==" in out
    assert "“Bring the data” _to Priya Raman · set by Amara Okafor_" in out
    assert "*Recent problems* • missed: 04 Jan 2027 11:00 GMT to Zoë Núñez — “Stretch”" in out


async def test_home_shows_my_next_reminders(lab: Console) -> None:
    await lab("Priya Raman", "/lab remind me tomorrow 10:00 Read the brief")
    out = flat(await lab("Priya Raman", "/lab home"))
    assert "*Your next reminders* • 05 Jan 2027 10:00 IST — “Read the brief”" in out


async def test_help_explains_reminders(lab: Console) -> None:
    out = flat(await lab("Amara Okafor", "/lab help"))
    assert "*Reminders* `/lab remind me|lab|<member> <when> <text>` `/lab reminders " \
           "[<mine|lab>]` `/lab reminders meetings [<24h 15m|off>...]` _(facilitators only)_" in out
    out = flat(await lab("Amara Okafor", "/lab help remind"))
    assert "== Reminders == `/lab remind me|lab|<member> <when> <text>` — Remind yourself" in out
    out = flat(await lab("Amara Okafor", "/lab help reminders add"))
    assert "Usage: `/lab remind me|lab|<member> <when> <text>`" in out
    assert "`/lab remind Amara tomorrow 10:00 Share the case studies`" in out


async def test_meeting_reminder_settings_refuse_bad_values(lab: Console) -> None:
    out = flat(await lab("Gemma Rhodes", "/lab reminders meetings soon"))
    assert "`soon` is not a duration: use e.g. `24h`, `90m` or `2d`." in out
    out = flat(await lab("Gemma Rhodes", "/lab reminders meetings 30d"))
    assert "out of range" in out
    out = flat(await lab("Amara Okafor", "/lab reminders meetings 1h"))
    assert "Only facilitators can use `/lab reminders meetings`" in out
    out = flat(await lab("Gemma Rhodes", "/lab reminders meetings"))
    assert "a direct message: 24 hours before, 15 minutes before" in out


# --- with the features that plug in ---------------------------------------------------------

POLL = ('/lab poll new "Meeting 1" slots 2027-01-11T09:00,2027-01-12T14:00 '
        'closes 2027-01-08 17:00')


def direct_messages(out: str) -> list[str]:
    """The name of each person the bot sent a direct message to, in order."""
    return re.findall(r"actionlab → (.+?) \(direct message\)", out)


async def test_a_poll_nudges_those_who_have_not_answered_then_closes_itself(
    lab: Console, app: App, jobs: ManualJobs, clock: SettableClock
) -> None:
    await lab("Gemma Rhodes", POLL)
    await lab("Amara Okafor", "/lab poll answer 1 1,2 yes")
    await lab("Gemma Rhodes", "/lab poll answer 1 1,2 maybe")
    await lab("Zoë Núñez", "/lab poll answer 1 1 yes")  # one slot of two: still to do
    out = flat(await advance(lab, jobs, clock, timedelta(days=3, hours=7)))  # 7 Jan 17:00
    assert direct_messages(out) == ["Zoë Núñez"]  # Priya's waits for her morning
    assert "== Your answer is needed: Poll #1: Meeting 1 == You have not answered the poll " \
           "*Poll #1: Meeting 1* yet. It closes Fri 08 Jan 2027, 14:00 UTC-3" in out
    assert "Answer the poll" in out
    out = flat(await advance(lab, jobs, clock, timedelta(hours=12)))
    assert direct_messages(out) == ["Priya Raman"]
    assert "It closes Fri 08 Jan 2027, 22:30 IST (Asia/Kolkata)" in out
    out = flat(await advance(lab, jobs, clock, timedelta(hours=12)))  # past the deadline
    assert "#lab · actionlab" in out and "Poll #1" in out and "closed" in out
    async with app.ctx.uow() as uow:
        poll = await uow.polls.get(1)
        audit = await uow.audit.for_lab(1, action="poll.closed")
    assert poll is not None and poll.status == "closed"
    assert [e.detail["by"] for e in audit] == ["deadline"]


async def test_a_meeting_picked_from_a_poll_reminds_every_member_with_its_invite(
    lab: Console, app: App, jobs: ManualJobs, clock: SettableClock
) -> None:
    await lab("Gemma Rhodes", POLL)
    await lab("Gemma Rhodes", "/lab poll pick 1 1")  # Mon 11 Jan, 09:00 London
    out = flat(await advance(lab, jobs, clock, timedelta(days=6)))  # Sun 10 Jan, 10:00
    # A day before: Zoë's 06:00 waits for her 08:00 (11:00 UTC, still to come).
    assert sorted(direct_messages(out)) == ["Amara Okafor", "Gemma Rhodes", "Priya Raman"]
    assert "== Meeting soon: Meeting 1 == It starts Mon 11 Jan 2027, 10:00 WAT" \
           in out
    assert out.count("[file]") == 3 and ".ics" in out
    out = flat(await advance(lab, jobs, clock, timedelta(hours=1)))
    assert direct_messages(out) == ["Zoë Núñez"]
    out = flat(await advance(lab, jobs, clock, timedelta(hours=23)))  # 15 minutes before
    assert sorted(direct_messages(out)) == ["Amara Okafor", "Gemma Rhodes", "Priya Raman",
                                            "Zoë Núñez"]
    assert "It starts Mon 11 Jan 2027, 06:00 UTC-3 (America/Sao_Paulo) (in 15 minutes)" in out


async def test_moving_or_cancelling_a_meeting_moves_or_drops_its_reminders(
    lab: Console, app: App, jobs: ManualJobs, clock: SettableClock
) -> None:
    await lab("Gemma Rhodes", POLL)
    await lab("Gemma Rhodes", "/lab poll pick 1 1")
    await lab("Gemma Rhodes", "/lab meeting move 1 2027-01-12 14:00")
    out = flat(await advance(lab, jobs, clock, timedelta(days=7)))  # Mon 11 Jan 10:00
    assert direct_messages(out) == []  # nothing at the old times
    out = flat(await advance(lab, jobs, clock, timedelta(days=1, hours=4)))  # 12 Jan 14:00
    assert len(direct_messages(out)) == 8  # four members, a day before and 15 minutes before
    await lab("Gemma Rhodes", POLL.replace("Meeting 1", "Meeting 2").replace(
        "2027-01-11T09:00,2027-01-12T14:00", "2027-01-20T09:00").replace(
        "2027-01-08", "2027-01-14"))
    await lab("Gemma Rhodes", "/lab poll pick 2 1")
    await lab("Gemma Rhodes", "/lab meeting cancel 2")
    await lab("Gemma Rhodes", ":press Cancel meeting #2")
    out = flat(await advance(lab, jobs, clock, timedelta(days=10)))
    assert direct_messages(out) == []


async def test_action_items_from_the_minutes_remind_their_owner_until_done(
    lab: Console, app: App, jobs: ManualJobs, clock: SettableClock
) -> None:
    await lab("Gemma Rhodes", "/lab role Priya secretary")
    await lab("Priya Raman", '/lab minutes start "Kick-off call"')
    await lab("Priya Raman", "/lab action Amara due fri Send the case studies")
    await lab("Priya Raman", "/lab action Zoë due 2027-01-06 Book the room")
    out = flat(await advance(lab, jobs, clock, timedelta(days=2)))  # Wed 6 Jan 10:00 UTC
    # Zoë: 09:00 São Paulo on Tuesday, the day before (12:00 UTC); Wednesday's is to come.
    assert direct_messages(out) == ["Zoë Núñez"]
    assert "== Action item due tomorrow == Book the room Due Wed 06 Jan 2027." in out
    async with app.ctx.uow() as uow:
        item = await uow.action_items.get(2)
    assert item is not None
    zoe = lab.adapter._actor("Zoë Núñez")
    await app.ctx.router.dispatch(app.ctx, Action(zoe, lab.adapter.place,
                                                  f"al1:minutes.done:{item.id}:1"))
    out = flat(await advance(lab, jobs, clock, timedelta(days=3)))
    # Zoë's item is done: no reminder on the day. Amara's, due Friday: Thursday and Friday.
    assert direct_messages(out) == ["Amara Okafor", "Amara Okafor"]
    assert "== Action item due today == Send the case studies" in out
