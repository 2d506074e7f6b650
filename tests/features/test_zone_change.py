"""A member's zone changes (`/lab tz`, the zone menu, their platform profile): the reminders
that follow their wall clock are re-planned, those set for a moment keep it, and a change to
the zone they already had does nothing. Real dispatch through the console on real SQLite;
only the clock and the timers are driven by hand."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot import action_ids
from bot.bootstrap import App
from bot.clock import SettableClock
from bot.events import Happening, ZoneChanged
from bot.messages import Action, Actor, Command
from bot.scheduling import ManualJobs
from fakes.cards import text_of
from storage.models import Reminder
from tests.conftest import Console, open_vote

LONDON, KOLKATA, SAO_PAULO = "Europe/London", "Asia/Kolkata", "America/Sao_Paulo"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass(frozen=True)
class Plan:
    id: int
    kind: str
    status: str
    due_at: datetime
    next_at: datetime
    subject_at: datetime | None
    repeat_zone: str | None


async def plans(app: App, **where: object) -> list[Plan]:
    async with app.ctx.uow() as uow:
        stmt = select(Reminder).filter_by(**where).order_by(Reminder.due_at, Reminder.id)
        found = (await uow.session.scalars(stmt)).all()
        return [Plan(r.id, r.kind.value, r.status.value, r.due_at, r.next_at, r.subject_at,
                     r.repeat_zone) for r in found]


@pytest.fixture
def heard(app: App) -> list[ZoneChanged]:
    """Every ZoneChanged published, as a subscriber sees it."""
    seen: list[ZoneChanged] = []

    @app.ctx.router.on(ZoneChanged)
    async def record(event: ZoneChanged, h: Happening) -> None:
        seen.append(event)

    return seen


def dms(out: str) -> list[str]:
    return re.findall(r"actionlab → (.+?) \(direct message\)", out)


async def advance(lab: Console, jobs: ManualJobs, clock: SettableClock, until: datetime
                  ) -> str:
    start = lab.buffer.tell()
    await jobs.run_until(clock, until)
    return lab.buffer.getvalue()[start:]


async def give_gemma_an_action_item(lab: Console) -> None:
    await lab("Gemma Rhodes", "/lab role Priya secretary")
    await lab("Priya Raman", '/lab minutes start "Kick-off call"')
    # Thursday 7 January, three days from Monday 4 January 10:00 UTC.
    await lab("Priya Raman", "/lab action Gemma due 2027-01-07 Draft the terms of reference")


async def test_action_item_reminders_move_to_nine_in_the_owners_new_zone(
    lab: Console, app: App, jobs: ManualJobs, clock: SettableClock, heard: list[ZoneChanged]
) -> None:
    await give_gemma_an_action_item(lab)
    before = await plans(app, kind="action_item", status="pending")
    # 09:00 GMT the day before and on the day.
    assert [p.due_at for p in before] == [utc(2027, 1, 6, 9, 0), utc(2027, 1, 7, 9, 0)]

    out = await lab("Gemma Rhodes", f"/lab tz {KOLKATA}")
    assert "Reminders that follow your clock (action items at 09:00, repeating reminders, " \
           "quiet hours) now follow this one." in " ".join(out.split())

    assert heard == [ZoneChanged(lab_id=1, person_id=1, before=LONDON, after=KOLKATA)]
    after = await plans(app, kind="action_item", status="pending")
    # 09:00 IST (UTC+5:30) on the same days; the rows are the same rows, moved.
    assert [(p.id, p.due_at, p.next_at) for p in after] == [
        (before[0].id, utc(2027, 1, 6, 3, 30), utc(2027, 1, 6, 3, 30)),
        (before[1].id, utc(2027, 1, 7, 3, 30), utc(2027, 1, 7, 3, 30)),
    ]
    assert after[1].subject_at == utc(2027, 1, 6, 18, 30)  # midnight in Kolkata, the due day
    assert [jobs.next_run(f"reminder:{p.id}") for p in after] == [p.next_at for p in after]

    # Delivered at 09:00 in Kolkata, once each: nothing is left at the old 09:00 GMT.
    out = await advance(lab, jobs, clock, utc(2027, 1, 6, 3, 30))
    assert dms(out) == ["Gemma Rhodes"]
    assert await advance(lab, jobs, clock, utc(2027, 1, 7, 3, 29)) == ""
    out = await advance(lab, jobs, clock, utc(2027, 1, 8, 12, 0))
    assert dms(out) == ["Gemma Rhodes"]
    assert [p.status for p in await plans(app, kind="action_item")] == ["sent", "sent"]


async def test_a_reminder_that_would_come_in_the_past_is_due_now_not_lost(
    lab: Console, app: App, jobs: ManualJobs, clock: SettableClock
) -> None:
    await give_gemma_an_action_item(lab)
    clock.set(utc(2027, 1, 6, 5, 0))  # 05:00 GMT: London's 09:00 is to come, Kolkata's is past
    await lab("Gemma Rhodes", f"/lab tz {KOLKATA}")
    first = (await plans(app, kind="action_item", status="pending"))[0]
    assert (first.due_at, first.next_at) == (utc(2027, 1, 6, 3, 30), utc(2027, 1, 6, 5, 0))
    out = await advance(lab, jobs, clock, utc(2027, 1, 6, 5, 0))
    assert dms(out) == ["Gemma Rhodes"]


async def test_a_reminder_held_for_quiet_hours_follows_the_new_night(
    lab: Console, app: App, jobs: ManualJobs, clock: SettableClock
) -> None:
    # 03:00 IST on Wednesday is 21:30 GMT on Tuesday: in Gemma's London night, so it waits
    # for 08:00 GMT.
    await lab("Priya Raman", "/lab remind Gemma 2027-01-06 03:00 Read the draft")
    [held] = await plans(app, kind="custom")
    assert (held.due_at, held.next_at) == (utc(2027, 1, 5, 21, 30), utc(2027, 1, 6, 8, 0))

    # In São Paulo 21:30 GMT is 18:30, not night: it goes when it was meant to.
    await lab("Gemma Rhodes", f"/lab tz {SAO_PAULO}")
    [freed] = await plans(app, kind="custom")
    assert (freed.id, freed.due_at, freed.next_at) == (held.id, held.due_at, held.due_at)
    assert jobs.next_run(f"reminder:{held.id}") == held.due_at

    # Back to Kolkata's night (03:00 IST): it waits for 08:00 IST, 02:30 UTC.
    await lab("Gemma Rhodes", f"/lab tz {KOLKATA}")
    [again] = await plans(app, kind="custom")
    assert (again.due_at, again.next_at) == (held.due_at, utc(2027, 1, 6, 2, 30))
    assert jobs.next_run(f"reminder:{held.id}") == utc(2027, 1, 6, 2, 30)
    assert await advance(lab, jobs, clock, utc(2027, 1, 6, 2, 29)) == ""
    out = await advance(lab, jobs, clock, utc(2027, 1, 6, 9, 0))
    assert dms(out) == ["Gemma Rhodes"]  # once, at 08:00 IST; not again at 08:00 GMT


async def test_a_one_off_reminder_keeps_the_moment_its_author_meant(
    lab: Console, app: App, jobs: ManualJobs
) -> None:
    await lab("Gemma Rhodes", "/lab remind me tomorrow 10:00 Call the printers")
    [before] = await plans(app, kind="custom")
    assert before.due_at == utc(2027, 1, 5, 10, 0)  # 10:00 GMT
    await lab("Gemma Rhodes", f"/lab tz {KOLKATA}")  # 15:30 IST: not quiet there either
    assert await plans(app, kind="custom") == [before]
    assert jobs.next_run(f"reminder:{before.id}") == before.due_at


async def test_a_repeating_reminder_keeps_its_days_and_time_in_the_new_zone(
    lab: Console, app: App, jobs: ManualJobs, clock: SettableClock
) -> None:
    await lab("Gemma Rhodes", "/lab remind me every monday 09:00 Weekly notes")
    [before] = await plans(app, kind="custom")
    assert (before.due_at, before.repeat_zone) == (utc(2027, 1, 11, 9, 0), LONDON)
    await lab("Gemma Rhodes", f"/lab tz {KOLKATA}")
    [after] = await plans(app, kind="custom")
    assert (after.due_at, after.next_at, after.repeat_zone) == (
        utc(2027, 1, 11, 3, 30), utc(2027, 1, 11, 3, 30), KOLKATA)
    assert jobs.next_run(f"reminder:{after.id}") == utc(2027, 1, 11, 3, 30)
    out = await advance(lab, jobs, clock, utc(2027, 1, 18, 4, 0))
    assert dms(out) == ["Gemma Rhodes", "Gemma Rhodes"]  # Mon 11 and Mon 18, 09:00 IST
    [pending] = await plans(app, kind="custom", status="pending")
    assert pending.due_at == utc(2027, 1, 25, 3, 30)


async def test_the_same_zone_again_changes_nothing(
    lab: Console, app: App, jobs: ManualJobs, heard: list[ZoneChanged]
) -> None:
    await give_gemma_an_action_item(lab)
    await lab("Priya Raman", "/lab remind Gemma 2027-01-06 03:00 Read the draft")
    before = await plans(app)
    timers = {j: jobs.next_run(j) for j in jobs.pending()}
    out = await lab("Gemma Rhodes", f"/lab tz {LONDON}")
    assert "Your time zone is now Europe/London" in out and "now follow" not in out
    assert heard == []
    assert await plans(app) == before
    assert {j: jobs.next_run(j) for j in jobs.pending()} == timers


async def test_the_zone_menu_re_plans_too(
    lab: Console, app: App, heard: list[ZoneChanged]
) -> None:
    await give_gemma_an_action_item(lab)
    gemma = lab.adapter._actor("Gemma Rhodes")
    reply = await app.ctx.router.dispatch(app.ctx, Action(
        gemma, lab.adapter.place, action_ids.encode("lab.tz"), values=(KOLKATA,)))
    assert reply.card is not None
    assert "Your time zone is now Asia/Kolkata" in text_of(reply.card)
    assert heard == [ZoneChanged(lab_id=1, person_id=1, before=LONDON, after=KOLKATA)]
    assert [p.due_at for p in await plans(app, kind="action_item", status="pending")] == [
        utc(2027, 1, 6, 3, 30), utc(2027, 1, 7, 3, 30)]


async def test_a_zone_the_platform_reports_re_plans_only_when_it_changes(
    lab: Console, app: App, heard: list[ZoneChanged]
) -> None:
    # Kwame has never chosen a zone: the platform's profile speaks for him.
    await lab("Kwame Mensah", "/lab join")
    await lab.press("Kwame Mensah", "I accept and join")
    await lab("Gemma Rhodes", "/lab role Priya secretary")
    await lab("Priya Raman", '/lab minutes start "Kick-off call"')
    await lab("Priya Raman", "/lab action Kwame due 2027-01-07 Map the stakeholders")
    kwame = lab.adapter._actor("Kwame Mensah")

    async def seen_with(zone: str) -> None:
        profile = Actor(kwame.platform, kwame.workspace, kwame.user_id, kwame.display_name,
                        tz=zone)
        await app.ctx.router.dispatch(app.ctx, Command(profile, lab.adapter.place, "help"))

    await seen_with(KOLKATA)
    assert heard == [ZoneChanged(lab_id=1, person_id=5, before=None, after=KOLKATA)]
    due = [p.due_at for p in await plans(app, kind="action_item", status="pending")]
    assert due == [utc(2027, 1, 6, 3, 30), utc(2027, 1, 7, 3, 30)]
    await seen_with(KOLKATA)  # the same profile again: nothing happens
    assert len(heard) == 1
    await seen_with(SAO_PAULO)
    assert heard[-1] == ZoneChanged(lab_id=1, person_id=5, before=KOLKATA, after=SAO_PAULO)
    due = [p.due_at for p in await plans(app, kind="action_item", status="pending")]
    assert due == [utc(2027, 1, 6, 12, 0), utc(2027, 1, 7, 12, 0)]


async def test_a_delivery_under_way_keeps_its_moment(
    lab: Console, app: App, clock: SettableClock
) -> None:
    await give_gemma_an_action_item(lab)
    first, second = await plans(app, kind="action_item", status="pending")
    clock.set(utc(2027, 1, 6, 9, 0))
    async with app.ctx.uow() as uow:  # another process claimed the first, due now
        assert await uow.reminders.claim(first.id, first.next_at, clock.now(), late=False)
        await uow.commit()
    await lab("Gemma Rhodes", f"/lab tz {KOLKATA}")
    claimed, moved = await plans(app, kind="action_item")
    assert (claimed.status, claimed.due_at) == ("sending", first.due_at)
    assert (moved.id, moved.due_at) == (second.id, utc(2027, 1, 7, 3, 30))


async def test_a_nudge_is_fitted_around_the_new_night_or_dropped(
    lab: Console, app: App, jobs: ManualJobs, clock: SettableClock
) -> None:
    # Open for four hours from 10:00 UTC: everyone is nudged at 12:00 UTC, halfway through.
    await open_vote(lab, "Gemma Rhodes", '/lab vote new "Which first?" options "A" "B" closes '
                              "2027-01-04 14:00")
    nudges = await plans(app, kind="nudge", recipient_id=1)
    assert [(p.due_at, p.next_at) for p in nudges] == [(utc(2027, 1, 4, 12), utc(2027, 1, 4, 12))]

    # In Tokyo 12:00 UTC is 21:00, her night, and her morning comes after the close: as for
    # a new nudge, the evening before, an hour before her night begins (20:00 JST).
    await lab("Gemma Rhodes", "/lab tz Asia/Tokyo")
    [tokyo] = await plans(app, kind="nudge", recipient_id=1)
    assert (tokyo.id, tokyo.due_at, tokyo.next_at) == (
        nudges[0].id, utc(2027, 1, 4, 11), utc(2027, 1, 4, 11))
    assert jobs.next_run(f"reminder:{tokyo.id}") == utc(2027, 1, 4, 11)

    # In Los Angeles 11:00 UTC is 03:00: no evening is left before the close, so no nudge
    # rather than one in the night or after the close.
    await lab("Gemma Rhodes", "/lab tz America/Los_Angeles")
    [dropped] = await plans(app, kind="nudge", recipient_id=1)
    assert dropped.status == "cancelled"
    assert f"reminder:{dropped.id}" not in jobs.pending()
    out = await advance(lab, jobs, clock, utc(2027, 1, 4, 15))
    assert "Gemma Rhodes" not in dms(out)
    assert {"Amara Okafor", "Zoë Núñez", "Priya Raman"} <= set(dms(out))
