"""Meetings outside the lab's rules, through the console (a lab in Europe/London meeting
09:00-18:00 mon-fri): a move outside the lab's hours or days, or onto another meeting's time,
asks first, naming the times in the facilitator's zone and the lab's; Keep changes nothing;
Confirm moves and the meeting's card says why. Turning meeting reminders off and on again
re-plans those of the meetings already scheduled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from bot.domain.reminders import ReminderStatus
from bot.messages import Action, Actor, Place
from storage.models import AuditEntry, Meeting, Poll, Reminder
from tests.conftest import Console
from tests.e2e.test_polls import FlatConsole

SLOTS = '/lab poll new "Meeting 1" slots 2027-01-11T09:00,2027-01-12T14:00'
MONDAY_9 = datetime(2027, 1, 11, 9, tzinfo=UTC)
GEMMA = Actor("console", "local", "gemma-rhodes", "Gemma Rhodes")
AMARA = Actor("console", "local", "amara-okafor", "Amara Okafor")
LAB = Place("console", "local", "lab")
KEEP = ":press Keep it at Mon 11 Jan 2027, 09:00 GMT (Europe/London)"


@pytest.fixture
def lab(lab: Console) -> FlatConsole:
    return FlatConsole(lab)


async def meetings(app: App) -> list[tuple[int, datetime, int]]:
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(Meeting).order_by(Meeting.number))).all()
        return [(m.number, m.starts_at, m.sequence) for m in rows]


async def moves(app: App) -> int:
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "meeting.moved"))).all()
        return len(rows)


async def one_meeting(lab: FlatConsole) -> None:
    await lab("Gemma Rhodes", SLOTS)
    out = await lab("Gemma Rhodes", "/lab poll pick 1 1")
    assert "== Meeting scheduled: Meeting 1 ==" in out
    assert "⚠" not in out  # Monday 09:00 London is a time the lab expects


@pytest.mark.parametrize(("line", "expected"), [
    ("/lab meeting move 1 2027-01-13 22:00",
     ["Move Meeting 1 to Wed 13 Jan 2027, 22:00 GMT (Europe/London)? That time is outside "
      "the lab's rules:",
      "• 60 minutes from Wed 13 Jan 2027, 22:00 GMT (Europe/London), is outside the lab's "
      "hours (09:00-18:00 Europe/London)."]),
    ("/lab meeting move 1 2027-01-13 14:00 tz Asia/Tokyo",
     ["Move Meeting 1 to Wed 13 Jan 2027, 14:00 JST (Asia/Tokyo)?",
      "• 60 minutes from Wed 13 Jan 2027, 14:00 JST (Asia/Tokyo), which is Wed 13 Jan 2027, "
      "05:00 GMT (Europe/London) for the lab, is outside the lab's hours (09:00-18:00 "
      "Europe/London)."]),
    ("/lab meeting move 1 2027-01-16 10:00",
     ["• Saturday (in Europe/London) is not one of the lab's meeting days (mon-fri)."]),
])
async def test_a_move_outside_the_rules_asks_and_keep_changes_nothing(
    lab: FlatConsole, app: App, line: str, expected: list[str]
) -> None:
    await one_meeting(lab)
    before = await meetings(app)
    out = await lab("Gemma Rhodes", line)
    assert "only Gemma Rhodes sees this" in out
    for text in expected:
        assert text in out
    assert "[" in out and "Confirm the move" in out
    assert "Meeting moved" not in out
    assert await meetings(app) == before  # asking changes nothing
    keep = KEEP if "tz" not in line else (
        ":press Keep it at Mon 11 Jan 2027, 18:00 JST (Asia/Tokyo)")
    out = await lab("Gemma Rhodes", keep)
    assert "Kept: Meeting 1 stays at" in out and "nothing was changed" in out
    assert "Meeting moved" not in out
    assert await meetings(app) == before == [(1, MONDAY_9, 0)]
    assert await moves(app) == 0


async def test_confirm_moves_and_the_card_says_why(lab: FlatConsole, app: App) -> None:
    await one_meeting(lab)
    await lab("Gemma Rhodes", "/lab meeting move 1 2027-01-16 14:00 tz Asia/Tokyo")
    out = await lab("Gemma Rhodes", ":press Confirm the move")
    assert "Moved meeting #1 to Sat 16 Jan 2027, 05:00 GMT (Europe/London)" in out
    assert "== Meeting moved: Meeting 1 ==" in out
    assert "⚠ outside the lab's hours · not one of the lab's meeting days" in out
    assert ("Gemma Rhodes moved it knowing it is outside the lab's hours and not one of the "
            "lab's meeting days.") in out
    assert await meetings(app) == [(1, datetime(2027, 1, 16, 5, tzinfo=UTC), 1)]
    assert await moves(app) == 1


async def test_a_question_left_while_the_meeting_moved_is_refused(lab: FlatConsole,
                                                                  app: App) -> None:
    await one_meeting(lab)
    await lab("Gemma Rhodes", "/lab meeting move 1 2027-01-13 22:00")
    await lab("Gemma Rhodes", "/lab meeting move 1 2027-01-13 15:00")  # inside: no question
    assert await meetings(app) == [(1, datetime(2027, 1, 13, 15, tzinfo=UTC), 1)]
    out = await lab("Gemma Rhodes", ":press Confirm the move")  # the older question
    assert "Meeting 1 changed since you were asked, so it was not moved" in out
    assert await meetings(app) == [(1, datetime(2027, 1, 13, 15, tzinfo=UTC), 1)]


async def test_a_move_onto_another_meetings_time_asks(lab: FlatConsole, app: App) -> None:
    await lab("Gemma Rhodes", SLOTS)
    await lab("Gemma Rhodes", "/lab poll pick 1 1")
    await lab("Gemma Rhodes", '/lab poll pick 1 2 title "Budget review"')
    before = await meetings(app)
    out = await lab("Gemma Rhodes", "/lab meeting move 2 2027-01-11 09:30")
    assert ("• It overlaps Meeting 1 (60 minutes from Mon 11 Jan 2027, 09:00 GMT "
            "(Europe/London)).") in out
    out = await lab("Gemma Rhodes", ":press Keep it at Tue 12 Jan 2027, 14:00 GMT "
                                    "(Europe/London)")
    assert "nothing was changed" in out
    assert await meetings(app) == before
    await lab("Gemma Rhodes", "/lab meeting move 2 2027-01-11 09:30")
    out = await lab("Gemma Rhodes", ":press Confirm the move")
    assert "== Meeting moved: Budget review ==" in out
    assert "⚠ same time as Meeting 1" in out
    assert await meetings(app) == [(1, MONDAY_9, 0),
                                   (2, datetime(2027, 1, 11, 9, 30, tzinfo=UTC), 1)]


async def test_a_move_inside_the_rules_does_not_ask(lab: FlatConsole, app: App) -> None:
    await one_meeting(lab)
    out = await lab("Gemma Rhodes", "/lab meeting move 1 2027-01-13 17:00")
    assert "Confirm the move" not in out and "⚠" not in out
    assert "== Meeting moved: Meeting 1 ==" in out
    assert await meetings(app) == [(1, datetime(2027, 1, 13, 17, tzinfo=UTC), 1)]


async def test_only_a_facilitator_confirms(lab: FlatConsole, app: App) -> None:
    await one_meeting(lab)
    await lab("Gemma Rhodes", "/lab meeting move 1 2027-01-13 22:00")
    minute = int(datetime(2027, 1, 13, 22, tzinfo=UTC).timestamp()) // 60
    reply = await app.ctx.router.dispatch(app.ctx, Action(
        AMARA, LAB, f"al1:meeting.move:1:1:{minute}:0:0"))  # a member, with a made-up id
    assert reply.private and "facilitator" in (reply.text or "").lower()
    assert await meetings(app) == [(1, MONDAY_9, 0)]
    await lab("Gemma Rhodes", ":press Confirm the move")  # the id she was given
    assert await meetings(app) == [(1, datetime(2027, 1, 13, 22, tzinfo=UTC), 1)]


async def pending_meeting_reminders(app: App) -> list[tuple[int, int]]:
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(Reminder).where(
            Reminder.subject_kind == "meeting",
            Reminder.status == ReminderStatus.PENDING))).all()
        return sorted((r.recipient_id, r.offset_minutes or 0) for r in rows)


async def test_meeting_reminders_off_then_on_replan_the_scheduled_meetings(
    lab: FlatConsole, app: App
) -> None:
    await one_meeting(lab)
    planned = await pending_meeting_reminders(app)
    assert len(planned) == 8  # four members, two reminders each (the defaults)
    out = await lab("Gemma Rhodes", "/lab reminders meetings off")
    assert await pending_meeting_reminders(app) == []
    out = await lab("Gemma Rhodes", "/lab reminders meetings 24h 15m")
    assert "Changed. 1 meeting already scheduled follows the new times." in out
    again = await pending_meeting_reminders(app)
    assert sorted({offset for _, offset in again}) == [15, 24 * 60]
    assert len(again) == 8
    out = await lab("Gemma Rhodes", "/lab reminders")
    assert out.count("Meeting 1") >= 2


# --- polls: explicit slots on the lab's off days, a window outside its hours ----------------


async def polls(app: App) -> list[tuple[int, str, int]]:
    async with app.ctx.uow() as uow:
        rows = (await uow.session.scalars(select(Poll).order_by(Poll.number))).all()
        return [(p.number, p.status, len(await uow.polls.slots(p.id))) for p in rows]


SATURDAY = '/lab poll new "Weekend session" slots 2027-01-15T10:00,2027-01-16T10:00'
EVENING = '/lab poll new "Evening" 2027-01-11..2027-01-12 window 20:00-23:00'


async def test_a_poll_with_a_saturday_slot_asks_first(lab: FlatConsole, app: App) -> None:
    out = await lab("Gemma Rhodes", SATURDAY)
    assert "only Gemma Rhodes sees this" in out
    assert ("Open poll *Weekend session*? 1 of its 2 slots is not one of the lab's meeting "
            "days (the lab meets 09:00-18:00 Europe/London, mon-fri):") in out
    assert "• Sat 16 Jan 2027, 10:00 GMT (Europe/London): not one of the lab's meeting days" \
        in out
    assert "Fri 15 Jan" not in out  # the slot inside the rules is not listed
    assert "== Poll #1" not in out
    assert await polls(app) == []  # asking opens nothing
    out = await lab("Gemma Rhodes", ":press Keep to the lab's hours")
    assert "Kept to the lab's hours: poll *Weekend session* was not opened." in out
    assert await polls(app) == []
    await lab("Gemma Rhodes", SATURDAY)
    out = await lab("Gemma Rhodes", ":press Confirm: open the poll")
    assert "Opened poll #1 (Weekend session) with the slots you confirmed" in out
    assert "#lab · actionlab" in out  # the poll card, for everyone
    assert await polls(app) == [(1, "open", 2)]
    out = await lab("Gemma Rhodes", "/lab poll pick 1 2")
    assert "⚠ not one of the lab's meeting days" in out  # the meeting's card says it


async def test_an_evening_window_override_asks_first(lab: FlatConsole, app: App) -> None:
    out = await lab("Gemma Rhodes", EVENING)
    assert ("Open poll *Evening*? 6 of its 6 slots are outside the lab's hours (the lab meets "
            "09:00-18:00 Europe/London, mon-fri):") in out
    assert "• Mon 11 Jan 2027, 20:00 GMT (Europe/London): outside the lab's hours" in out
    assert await polls(app) == []
    out = await lab("Gemma Rhodes", ":press Confirm: open the poll")
    assert await polls(app) == [(1, "open", 6)]
    # The question is answered: a second press (a stale copy) opens nothing more.
    async with app.ctx.uow() as uow:
        asked = (await uow.audit.for_lab(1, action="poll.asked"))[-1].id
    again = await app.ctx.router.dispatch(app.ctx, Action(
        GEMMA, LAB, f"al1:poll.new_confirm:1:{asked}"))
    assert again.text is not None and "That question was answered already" in again.text
    assert await polls(app) == [(1, "open", 6)]


async def test_a_poll_inside_the_rules_does_not_ask(lab: FlatConsole, app: App) -> None:
    out = await lab("Gemma Rhodes", SLOTS)
    assert "Open poll" not in out and "== Poll #1" in out
    assert await polls(app) == [(1, "open", 2)]


async def test_the_question_is_the_askers(lab: FlatConsole, app: App) -> None:
    await lab("Gemma Rhodes", EVENING)
    out = await lab("Gemma Rhodes", "/lab role Amara facilitator")
    assert "facilitator" in out
    async with app.ctx.uow() as uow:
        asked = (await uow.audit.for_lab(1, action="poll.asked"))[-1].id
    reply = await app.ctx.router.dispatch(app.ctx, Action(
        AMARA, LAB, f"al1:poll.new_confirm:1:{asked}"))
    assert reply.text is not None and "That question is not yours" in reply.text
    assert await polls(app) == []
    out = await lab("Gemma Rhodes", ":press Confirm: open the poll")
    assert await polls(app) == [(1, "open", 6)]
