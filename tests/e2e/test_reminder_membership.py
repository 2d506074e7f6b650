"""Reminders follow membership, through the console as people type: whoever joins gets the
reminders the others get (meetings, nudges before open polls and votes), whoever leaves
gets nothing more and stops speaking in the lab; and a poll open for less than a day is
still nudged, at a sensible hour in each member's zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from bot.bootstrap import App
from bot.clock import SettableClock
from bot.events import MemberJoined, MemberLeft, publish
from bot.scheduling import ManualJobs
from storage.models import Reminder, ReminderKind, ReminderStatus
from tests.conftest import Console, open_vote
from tests.e2e.test_polls import recorder

SLOTS = ('/lab poll new "Meeting 1" slots 2027-01-11T09:00,2027-01-12T14:00,'
         '2027-01-26T09:00,2027-03-29T09:00')
POLL = '/lab poll new "Meeting 2" 2027-01-18..2027-01-19 closes 2027-01-08 17:00'
VOTE = '/lab vote new "Which solution?" options "Research" "Case studies" closes 2027-01-08 17:00'
AMARA = 2


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@dataclass
class Message:
    to: str  # a member's name, or "#lab"
    text: str  # the card, its lines unwrapped


def messages(out: str) -> list[Message]:
    """What the console printed, one entry per message, for whom."""
    found = []
    for chunk in re.split(r"^\[m\d+\] ", out, flags=re.M)[1:]:
        head, _, body = chunk.partition("\n")
        dm = re.match(r"direct message · actionlab → (.+) \(direct message\)", head)
        to = dm.group(1) if dm else head.split(" · ")[0]
        found.append(Message(to, re.sub(r"\s*\n\s*(· )?", " ", body).strip()))
    return found


async def advance_to(lab: Console, jobs: ManualJobs, clock: SettableClock,
                     until: datetime) -> list[Message]:
    start = lab.buffer.tell()
    await jobs.run_until(clock, until)
    return messages(lab.buffer.getvalue()[start:])


async def pending(app: App, person_id: int) -> list[tuple[ReminderKind, str | None]]:
    """(kind, subject) of the pending reminders to or set by this person."""
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(
            select(Reminder).where(Reminder.status == ReminderStatus.PENDING,
                                   (Reminder.recipient_id == person_id)
                                   | (Reminder.author_id == person_id))
            .order_by(Reminder.id))).all()
    return [(r.kind, r.subject_kind) for r in rows]


async def join(lab: Console, name: str, zone: str) -> None:
    await lab(name, "/lab join")
    await lab.press(name, "I accept and join")
    await lab(name, f"/lab tz {zone}")


async def a_busy_lab(lab: Console) -> None:
    """A meeting on Tue 12 Jan 14:00 UTC, a poll and a vote closing Fri 8 Jan 17:00 UTC."""
    await lab("Gemma Rhodes", SLOTS)
    await lab("Gemma Rhodes", "/lab poll pick 1 2")
    await lab("Gemma Rhodes", POLL)
    await open_vote(lab, "Gemma Rhodes", VOTE)


# --- joining ----------------------------------------------------------------------------------


async def test_a_member_who_joins_gets_the_meeting_reminders_and_nudges_the_others_get(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock
) -> None:
    seen = recorder(app, MemberJoined)
    await a_busy_lab(lab)
    await jobs.run_until(clock, utc(2027, 1, 6, 9, 0))  # Wednesday: the others are set
    await join(lab, "Tom Fletcher", "Europe/Berlin")
    assert seen == [MemberJoined(lab_id=1, person_id=5)]
    await lab("Amara Okafor", "/lab poll answer 2 all yes")  # answered: no nudge for her
    await lab("Tom Fletcher", "/lab rank 1 2 1")  # Tom voted, but has not answered the poll

    sent = await advance_to(lab, jobs, clock, utc(2027, 1, 12, 15, 0))
    toms = [m.text for m in sent if m.to == "Tom Fletcher"]
    assert len(toms) == 3
    assert toms[0].startswith("== Your answer is needed: Poll #2: Meeting 2 ==")
    assert "It closes Fri 08 Jan 2027, 18:00 CET (Europe/Berlin) (in 1 day)." in toms[0]
    assert "== Meeting soon: Meeting 1 == It starts Tue 12 Jan 2027, 15:00 CET " \
           "(Europe/Berlin) (in 1 day)." in toms[1]
    assert "[file]" in toms[1] and "meeting-1.ics" in toms[1]  # the invite, as for everyone
    assert "(in 15 minutes)" in toms[2]
    # Nudged like everyone else who has not answered, and only them.
    poll_nudged = {m.to for m in sent if "Your answer is needed: Poll #2" in m.text}
    vote_nudged = {m.to for m in sent if "Your answer is needed: Vote #1" in m.text}
    assert poll_nudged == {"Gemma Rhodes", "Zoë Núñez", "Priya Raman", "Tom Fletcher"}
    assert vote_nudged == {"Gemma Rhodes", "Amara Okafor", "Zoë Núñez", "Priya Raman"}
    meeting = [m.to for m in sent if "Meeting soon" in m.text]
    assert sorted(meeting) == sorted(["Gemma Rhodes", "Amara Okafor", "Zoë Núñez",
                                      "Priya Raman", "Tom Fletcher"] * 2)


async def test_a_member_who_joins_with_a_day_left_is_nudged_halfway_through_it(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock
) -> None:
    await a_busy_lab(lab)
    # Thursday 21:00 UTC: the lab's nudges (Thursday 17:00) have gone; 20 hours are left.
    await jobs.run_until(clock, utc(2027, 1, 7, 21, 0))
    await join(lab, "Tom Fletcher", "America/New_York")
    sent = await advance_to(lab, jobs, clock, utc(2027, 1, 8, 18, 0))
    toms = [m.text for m in sent if m.to == "Tom Fletcher"]
    # Halfway: Friday 07:00 UTC, 02:00 in New York, is night there; his morning (08:00,
    # 13:00 UTC) still leaves four hours, so the nudges wait for it.
    assert [t.split(" == ")[0] for t in toms] == [
        "== Your answer is needed: Poll #2: Meeting 2", "== Your answer is needed: Vote #1: "
        "Which solution?"]
    assert all("It closes Fri 08 Jan 2027, 12:00 EST (America/New_York) (in 4 hours)." in t
               for t in toms)


async def test_a_member_who_joins_twice_is_reminded_once(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock
) -> None:
    await a_busy_lab(lab)
    await join(lab, "Tom Fletcher", "Europe/Berlin")
    before = await pending(app, 5)
    assert sorted(before) == sorted([
        (ReminderKind.MEETING, "meeting"), (ReminderKind.MEETING, "meeting"),
        (ReminderKind.NUDGE, "poll"), (ReminderKind.NUDGE, "vote")])
    out = await lab("Tom Fletcher", "/lab join")
    assert "You are already a member of Action Lab 1." in out
    async with app.ctx.uow() as uow:  # the event again (another channel, a retried action)
        await publish(app.ctx, uow, clock.now(), MemberJoined(lab_id=1, person_id=5))
        await uow.commit()
    assert sorted(await pending(app, 5)) == sorted(before)


# --- leaving ----------------------------------------------------------------------------------


async def amara_is_busy(lab: Console) -> None:
    """Reminders to Amara and set by her, of every kind."""
    await a_busy_lab(lab)
    await lab("Gemma Rhodes", '/lab minutes start "Kick-off"')
    await lab("Gemma Rhodes", "/lab action Amara due fri Send the draft")
    await lab("Gemma Rhodes", "/lab minutes end")
    await lab("Amara Okafor", "/lab remind me tomorrow 10:00 Call the ministry")
    await lab("Amara Okafor", "/lab remind Priya friday 9am Read Amara's draft")
    await lab("Amara Okafor", "/lab remind lab in 2 hours Amara's break is over")
    await lab("Gemma Rhodes", "/lab remind Amara friday 9am Bring the data")
    await lab("Priya Raman", "/lab remind me friday 9am Priya's own")


async def test_leaving_cancels_every_reminder_to_or_from_the_member_at_once(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock
) -> None:
    seen = recorder(app, MemberLeft)
    await amara_is_busy(lab)
    assert sorted(await pending(app, AMARA)) == sorted([
        (ReminderKind.MEETING, "meeting"), (ReminderKind.MEETING, "meeting"),
        (ReminderKind.NUDGE, "poll"), (ReminderKind.NUDGE, "vote"),
        (ReminderKind.ACTION_ITEM, "action_item"), (ReminderKind.ACTION_ITEM, "action_item"),
        (ReminderKind.CUSTOM, None), (ReminderKind.CUSTOM, None), (ReminderKind.CUSTOM, None),
        (ReminderKind.CUSTOM, None)])
    armed = len(jobs.pending())

    out = await lab("Amara Okafor", "/lab leave")
    assert "*Amara Okafor* left Action Lab 1." in out
    assert seen == [MemberLeft(lab_id=1, person_id=AMARA)]
    assert await pending(app, AMARA) == []  # at once, not when each would have fired
    assert len(jobs.pending()) == armed - 10  # and their timers are gone
    async with app.ctx.uow() as uow:
        notes = {r.text or r.kind.value: r.note for r in (await uow.session.scalars(
            select(Reminder).where(Reminder.status == ReminderStatus.CANCELLED))).all()}
    assert notes["Read Amara's draft"] == "whoever set it left the lab"
    assert notes["Bring the data"] == "the member left the lab"

    sent = await advance_to(lab, jobs, clock, utc(2027, 1, 13, 0, 0))
    assert [m for m in sent if m.to == "Amara Okafor"] == []
    assert not any("Amara" in m.text for m in sent if "Reminder" in m.text)
    assert [m.text for m in sent if m.to == "Priya Raman" and "== Reminder ==" in m.text] == [
        "== Reminder == Priya's own You set this on 04 Jan 2027 15:30 IST · Action Lab 1"]
    meeting = {m.to for m in sent if "Meeting soon" in m.text}
    assert meeting == {"Gemma Rhodes", "Zoë Núñez", "Priya Raman"}


async def test_coming_back_brings_back_what_a_member_gets_but_not_what_they_set(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock
) -> None:
    await amara_is_busy(lab)
    await lab("Amara Okafor", "/lab poll answer 2 all no")
    await lab("Amara Okafor", "/lab leave")
    await join(lab, "Amara Okafor", "Africa/Lagos")
    assert sorted(await pending(app, AMARA)) == sorted([
        (ReminderKind.MEETING, "meeting"), (ReminderKind.MEETING, "meeting"),
        (ReminderKind.NUDGE, "poll"), (ReminderKind.NUDGE, "vote"),
        (ReminderKind.ACTION_ITEM, "action_item"), (ReminderKind.ACTION_ITEM, "action_item")])
    sent = await advance_to(lab, jobs, clock, utc(2027, 1, 13, 0, 0))
    amaras = [m.text.split(" == ")[0] for m in sent if m.to == "Amara Okafor"]
    assert amaras == [
        "== Action item due tomorrow", "== Your answer is needed: Vote #1: Which solution?",
        "== Action item due today", "== Meeting soon: Meeting 1",
        "== Meeting soon: Meeting 1"]  # her answer to the poll still counts


# --- short deadlines --------------------------------------------------------------------------


async def test_a_poll_open_less_than_a_day_is_nudged_at_a_sensible_hour_for_each_member(
    app: App, lab: Console, jobs: ManualJobs, clock: SettableClock
) -> None:
    # Opened Monday 10:00 UTC, closing Tuesday 07:00 UTC: 21 hours, shorter than the
    # 24-hour nudge, so halfway: Monday 20:30 UTC.
    await lab("Gemma Rhodes", '/lab poll new "Quick" 2027-01-18 closes 2027-01-05 07:00')
    # Closing in 45 minutes: the announcement is reminder enough.
    await lab("Gemma Rhodes", '/lab poll new "Now" 2027-01-19 closes 2027-01-04 10:45')
    sent = await advance_to(lab, jobs, clock, utc(2027, 1, 5, 8, 0))
    nudged = [m for m in sent if "Your answer is needed" in m.text]
    assert sorted(m.to for m in nudged) == ["Amara Okafor", "Gemma Rhodes", "Priya Raman",
                                            "Zoë Núñez"]
    assert all("Poll #1: Quick" in m.text for m in nudged)
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(
            select(Reminder).where(Reminder.kind == ReminderKind.NUDGE)
            .order_by(Reminder.sent_at))).all()
    assert [(r.subject_id, r.recipient_id, r.status, r.sent_at) for r in rows] == [
        # Lagos: 21:30 would be night and the morning (08:00 WAT) is the close itself; the
        # evening before instead, an hour before quiet hours begin.
        (1, AMARA, ReminderStatus.SENT, utc(2027, 1, 4, 19, 0)),
        (1, 1, ReminderStatus.SENT, utc(2027, 1, 4, 20, 30)),  # 20:30 in London
        (1, 3, ReminderStatus.SENT, utc(2027, 1, 4, 20, 30)),  # 17:30 in São Paulo
        # Kolkata: 02:00 is night, and 08:00 IST (02:30 UTC) leaves hours before the close.
        (1, 4, ReminderStatus.SENT, utc(2027, 1, 5, 2, 30)),
    ]  # and none for poll #2
